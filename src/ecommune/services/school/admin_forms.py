"""Back-office forms of the activities: the days as checkboxes rather than JSON."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from ecommune.services.school.models import WEEKDAY_CHOICES, Activity


class ActivityAdminForm(WagtailAdminModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("days"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Activity
        fields = ["name", "kind", "weekdays", "notice_working_days"]
