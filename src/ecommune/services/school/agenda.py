"""« Mon agenda » (``ecommune.accounts.agenda``): until when each canteen day of the coming
week can still be changed or cancelled, for each child of the resident's household; and,
for a household with children, the school enrolment period of the coming school years (its
opening, its last day)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ecommune.accounts.agenda import AgendaItem, AgendaSource
from ecommune.families.households import household_of
from ecommune.services.school.activities import deadline_for
from ecommune.services.school.models import (
    ActivityEnrolment,
    ActivityKind,
    EnrolmentPeriod,
    SchoolHoliday,
)

#: How far ahead the canteen days are listed: the coming week.
DAYS_AHEAD = 7


def _school_year(day: datetime.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def canteen_items(user, commune, today):
    household = household_of(user, commune)
    if household is None:
        return
    last = today + datetime.timedelta(days=DAYS_AHEAD)
    years = {_school_year(today), _school_year(last)}
    enrolments = list(
        ActivityEnrolment.objects.filter(
            child__household=household,
            activity__kind=ActivityKind.CANTEEN,
            school_year__in=years,
        ).select_related("child", "activity")
    )
    if not enrolments:
        return
    holidays = list(
        SchoolHoliday.objects.filter(starts_on__lte=last, ends_on__gte=today).values_list(
            "starts_on", "ends_on"
        )
    )
    now = timezone.now()
    url = reverse("ecommune_school:activities")
    for enrolment in enrolments:
        for offset in range(DAYS_AHEAD + 1):
            day = today + datetime.timedelta(days=offset)
            if (
                day.weekday() not in enrolment.weekdays
                or _school_year(day) != enrolment.school_year
                or (enrolment.starts_on and day < enrolment.starts_on)
                or any(start <= day <= end for start, end in holidays)
            ):
                continue
            deadline = deadline_for(enrolment.activity, day, commune)
            if deadline <= now:
                continue
            # The deadline is midnight starting a day: the last day to act is the one before.
            last_day = timezone.localdate(deadline) - datetime.timedelta(days=1)
            yield AgendaItem(
                uid=f"canteen-{enrolment.pk}-{day:%Y%m%d}@{commune.pk}.agenda.ecommune",
                title=_("%(activity)s for %(child)s on %(day)s: last day to change or cancel")
                % {
                    "child": enrolment.child.first_name,
                    "activity": enrolment.activity.name,
                    "day": _full_date(day),
                },
                day=last_day,
                kind=_("Canteen"),
                url=url,
            )


def _full_date(day) -> str:
    """« lundi 8 mars 2027 », as ``ecommune.services.elections.forms.full_date`` writes it."""
    text = date_format(day, "l j F Y")
    return text[:1].lower() + text[1:]


SOURCE = AgendaSource(name="canteen", items=canteen_items, order=40)


def enrolment_items(user, commune, today):
    """The opening (when still ahead) and the last day of each enrolment period not over,
    for a resident whose household has children in this commune."""
    if not commune.has_service("school"):
        return
    household = household_of(user, commune)
    if household is None or not household.children.exists():
        return
    url = reverse("ecommune_requests:wizard", kwargs={"slug": "school"})
    for period in EnrolmentPeriod.objects.filter(closes_on__gte=today).order_by("opens_on"):
        year = f"{period.school_year}-{period.school_year + 1}"
        if period.opens_on >= today:
            yield AgendaItem(
                uid=f"school-enrolment-opens-{period.pk}@{commune.pk}.agenda.ecommune",
                title=_("School enrolments for %(year)s open") % {"year": year},
                day=period.opens_on,
                kind=_("School"),
                url=url,
            )
        yield AgendaItem(
            uid=f"school-enrolment-closes-{period.pk}@{commune.pk}.agenda.ecommune",
            title=_("Last day of school enrolments for %(year)s") % {"year": year},
            day=period.closes_on,
            kind=_("School"),
            url=url,
        )


ENROLMENT_SOURCE = AgendaSource(name="school_enrolment", items=enrolment_items, order=35)
