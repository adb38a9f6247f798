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
    form.is_valid()
    for name, field in form.fields.items():
        # « ?limit= » names a number and gives none: refused, not read as absent.
        if not isinstance(field, forms.CharField) and request.query_params.get(name) == "":
            form.add_error(name, _("Give a value, or leave the parameter out."))
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


class RequestsQuery(forms.Form):
    """The filters of the agents' list of requests (``/api/v1/agent/requests/``)."""

    status = forms.CharField(label=_("status"), required=False, max_length=40)
    service = forms.CharField(label=_("service"), required=False, max_length=60)
    submitted_after = DateField(label=_("submitted on or after"), required=False)
    submitted_before = DateField(label=_("submitted on or before"), required=False)
    page = forms.IntegerField(label=_("page"), required=False, min_value=1, max_value=100_000)
    page_size = forms.IntegerField(
        label=_("requests per page"), required=False, min_value=1, max_value=100
    )
