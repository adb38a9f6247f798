"""« Combien va me coûter la cantine ? »: a public page (no account) that estimates a month's
cost from a quotient familial, the activities and their days (the report's Proposition 14)."""

import datetime

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ecommune.services.school import pricing
from ecommune.services.school.models import WEEKDAY_CHOICES, Activity


def school_year_of(year: int, month: int) -> int:
    return year if month >= 9 else year - 1


def month_choices(today=None):
    today = today or timezone.localdate()
    choices = []
    year, month = today.year, today.month
    for _offset in range(12):
        if month not in (7, 8):  # no school in July and August
            label = date_format(datetime.date(year, month, 1), "F Y")
            choices.append((f"{year}-{month:02d}", label))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return choices


class SimulatorForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"))
    qf = forms.IntegerField(
        label=_("Your quotient familial (optional)"),
        required=False,
        min_value=0,
        max_value=100000,
        help_text=_("In euros, on your CAF or MSA certificate. Empty: the full price."),
    )

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = month_choices()
        self.activities = list(activities)
        labels = dict(WEEKDAY_CHOICES)
        for activity in self.activities:
            self.fields[f"activity_{activity.pk}"] = forms.TypedMultipleChoiceField(
                label=activity.name,
                required=False,
                coerce=int,
                choices=[(day, labels[day]) for day in sorted(activity.weekdays) if day in labels],
                widget=forms.CheckboxSelectMultiple,
            )

    def choices(self) -> dict:
        return {
            activity: self.cleaned_data.get(f"activity_{activity.pk}") or []
            for activity in self.activities
        }


def simulator(request):
    activities = Activity.objects.all()
    form = SimulatorForm(request.GET or None, activities=activities)
    lines, total, ticked = None, None, False
    if form.is_bound and form.is_valid():
        year, month = (int(part) for part in form.cleaned_data["month"].split("-"))
        lines = pricing.estimate_month(
            year, month, form.cleaned_data["qf"], form.choices(), school_year_of(year, month)
        )
        total = sum((line.total for line in lines), pricing.Decimal("0.00"))
        ticked = any(form.choices().values())
    return render(
        request,
        "ecommune_school/simulator.html",
        {
            "form": form,
            "lines": lines,
            "total": total,
            "ticked": ticked,
            "has_activities": bool(form.activities),
        },
    )
