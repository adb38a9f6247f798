"""The family space's canteen and after-school page: each child's days per activity for the
school year, and a day's change or cancellation before the deadline."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ecommune.core.dates import DateField
from ecommune.families.forms import DateInput
from ecommune.families.views import household_of_request
from ecommune.services.school import activities
from ecommune.services.school.enrolment_forms import next_school_year
from ecommune.services.school.models import WEEKDAY_CHOICES, Activity, ActivityEnrolment
from ecommune.services.school.simulator import school_year_of


def current_school_year() -> int:
    from django.utils import timezone

    today = timezone.localdate()
    return school_year_of(today.year, today.month)


class DaysForm(forms.Form):
    """One child's days, a group of checkboxes per activity."""

    def __init__(self, *args, child, activity_list, enrolled, **kwargs):
        super().__init__(*args, prefix=f"child{child.pk}", **kwargs)
        self.child = child
        labels = dict(WEEKDAY_CHOICES)
        for activity in activity_list:
            self.fields[f"a{activity.pk}"] = forms.TypedMultipleChoiceField(
                label=activity.name,
                required=False,
                coerce=int,
                choices=[(day, labels[day]) for day in sorted(activity.weekdays) if day in labels],
                widget=forms.CheckboxSelectMultiple,
                initial=enrolled.get(activity.pk, []),
            )


class DayChangeForm(forms.Form):
    enrolment = forms.ModelChoiceField(
        label=gettext_lazy("Child and activity"),
        queryset=ActivityEnrolment.objects.none(),
        empty_label=gettext_lazy("Choose"),
    )
    day = DateField(label=gettext_lazy("Day"), widget=DateInput())
    attending = forms.TypedChoiceField(
        label=gettext_lazy("Change"),
        coerce=lambda value: value == "yes",
        choices=[
            ("no", gettext_lazy("My child will not come (absence, not billed)")),
            ("yes", gettext_lazy("My child will come")),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, prefix="change", **kwargs)
        self.fields["enrolment"].queryset = enrolments


def enrolled_at_school(household) -> dict[int, set[int]]:
    """The school years each child of the household has a school enrolment for (a request
    neither refused nor cancelled)."""
    from ecommune.services.school.models import SchoolEnrolment

    years: dict[int, set[int]] = {}
    for child_id, school_year in (
        SchoolEnrolment.objects.filter(child__household=household)
        .exclude(request__status__in=("rejected", "cancelled"))
        .values_list("child_id", "school_year")
    ):
        years.setdefault(child_id, set()).add(school_year)
    return years


def at_school(child, year: int, school_years: dict[int, set[int]]) -> bool:
    """Whether ``child`` goes to school in the school year starting in ``year``: enrolled
    at school for it, or old enough (a child starts school in the September of the calendar
    year they turn three, Code de l'éducation L131-1)."""
    return year in school_years.get(child.pk, set()) or child.birth_date.year + 3 <= year


@login_required
@require_http_methods(["GET", "POST"])
def activities_page(request):
    from django.utils import timezone

    household = household_of_request(request)
    school_years = enrolled_at_school(household)
    upcoming = next_school_year()
    # The year of the children's school enrolment, when one is for the next school year.
    year = upcoming if any(upcoming in years for years in school_years.values()) else None
    year = year or current_school_year()
    if request.GET.get("annee") in (str(upcoming), str(current_school_year())):
        year = int(request.GET["annee"])
    other_year = current_school_year() if year == upcoming else upcoming
    activity_list = list(Activity.objects.all())
    every_child = list(household.children.all())
    children = [child for child in every_child if at_school(child, year, school_years)]
    not_yet = [child for child in every_child if child not in children]
    starts_on = max(timezone.localdate(), activities.first_school_day(year))
    enrolments = ActivityEnrolment.objects.filter(
        child__household=household, school_year=year
    ).select_related("child", "activity")
    by_child: dict[int, dict[int, list]] = {}
    for enrolment in enrolments:
        by_child.setdefault(enrolment.child_id, {})[enrolment.activity_id] = enrolment.weekdays
    posted = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if posted else None
    day_forms = [
        DaysForm(
            posted if action == "days" else None,
            child=child,
            activity_list=activity_list,
            enrolled=by_child.get(child.pk, {}),
        )
        for child in children
    ]
    change_form = DayChangeForm(posted if action == "change" else None, enrolments=enrolments)
    if action == "days" and all(form.is_valid() for form in day_forms):
        try:
            for form in day_forms:
                for activity in activity_list:
                    activities.enrol(
                        form.child,
                        activity,
                        year,
                        form.cleaned_data[f"a{activity.pk}"],
                        starts_on=starts_on,
                    )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The days have been saved."))
            return redirect(request.get_full_path())
    if action == "change" and change_form.is_valid():
        data = change_form.cleaned_data
        try:
            activities.change_day(
                data["enrolment"], data["day"], attending=data["attending"], by=request.user
            )
        except ValidationError as exc:
            change_form.add_error("day", exc)
        else:
            messages.success(request, _("The change has been saved."))
            return redirect(request.get_full_path())
    return render(
        request,
        "ecommune_school/activities.html",
        {
            "day_forms": day_forms,
            "change_form": change_form,
            "has_enrolments": enrolments.exists(),
            "year_label": f"{year}-{year + 1}",
            "other_year": other_year,
            "other_year_label": f"{other_year}-{other_year + 1}",
            "not_yet": not_yet,
            "starts_on": starts_on,
            "has_activities": bool(activity_list),
        },
    )
