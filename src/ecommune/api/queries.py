"""The query parameters the API reads, checked by Django forms: a bad value is a 400 with
a French message next to the parameter's name, never a server error. Dates are
``ecommune.core.dates.DateField`` (years 1800 to 2200), numbers are bounded."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from ecommune.core.dates import DateField

#: The longest period of free slots one call returns, in days.
MAX_SLOT_DAYS = 31


def read(form_class, request):
    """The form of ``request``'s query string, valid (``cleaned_data``), or a 400 naming the
    bad parameters."""
    form = form_class(request.query_params)
    if not form.is_valid():
        raise ValidationError(
            {name: [str(message) for message in messages] for name, messages in form.errors.items()}
        )
    return form


class LimitQuery(forms.Form):
    limit = forms.IntegerField(
        label=_("number of items"), required=False, min_value=1, max_value=50
    )


class SlotsQuery(forms.Form):
    start = DateField(label=_("first day"), required=False)
    end = DateField(label=_("last day"), required=False)
    counter = forms.IntegerField(
        label=_("counter"), required=False, min_value=1, max_value=2**31 - 1
    )

    def period(self, today: datetime.date) -> tuple[datetime.date, datetime.date]:
        """The days asked for: from ``start`` (today) to ``end`` (two weeks on), at most
        ``MAX_SLOT_DAYS`` days; an end before the start is an empty period."""
        first = self.cleaned_data.get("start") or today
        last = self.cleaned_data.get("end") or first + datetime.timedelta(days=13)
        return first, min(last, first + datetime.timedelta(days=MAX_SLOT_DAYS - 1))
