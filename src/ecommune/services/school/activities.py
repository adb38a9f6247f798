"""Enrolling children in the canteen and after-school activities, per day of the week, and
changing or cancelling a day until the commune's deadline (absences reported in time are
not billed)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ecommune.requests.workdays import is_working_day, subdivision_for_insee
from ecommune.services.school.models import ActivityEnrolment, DayChange


def deadline_for(activity, day: datetime.date, commune) -> datetime.datetime:
    """Midnight ``activity.notice_working_days`` working days before ``day`` (for a Thursday
    and 2 days: Tuesday 00:00, 48 working hours before)."""
    subdivision = subdivision_for_insee(commune.insee_code)
    current, counted = day, 0
    while counted < activity.notice_working_days:
        current -= datetime.timedelta(days=1)
        if is_working_day(current, subdivision):
            counted += 1
    return timezone.make_aware(datetime.datetime.combine(current, datetime.time.min))


@transaction.atomic
def enrol(
    child, activity, school_year: int, weekdays, *, starts_on: datetime.date | None = None
) -> ActivityEnrolment | None:
    """Set the days of the week ``child`` attends ``activity``; no day removes the enrolment.
    ``starts_on``, for a new enrolment, is its first billed day (the day a resident chose
    the days): nothing before it is billed."""
    days = sorted({int(day) for day in weekdays})
    wrong = [day for day in days if day not in activity.weekdays]
    if wrong:
        raise ValidationError(
            _("%(activity)s does not run on these days.") % {"activity": activity}
        )
    if not days:
        ActivityEnrolment.objects.for_commune(child.commune_id).filter(
            child=child, activity=activity, school_year=school_year
        ).delete()
        return None
    enrolment, _created = ActivityEnrolment.objects.for_commune(child.commune_id).update_or_create(
        child=child,
        activity=activity,
        school_year=school_year,
        defaults={"commune_id": child.commune_id, "weekdays": days},
        create_defaults={
            "commune_id": child.commune_id,
            "weekdays": days,
            "starts_on": starts_on,
        },
    )
    return enrolment


def first_school_day(school_year: int) -> datetime.date:
    """The first day a school year's activities may run: 1 September."""
    return datetime.date(school_year, 9, 1)


@transaction.atomic
def change_day(enrolment, day: datetime.date, *, attending: bool, by=None, now=None):
    """Report an absence (or add a day) before the deadline; after it, refused with the
    deadline shown."""
    now = now or timezone.now()
    activity = enrolment.activity
    if day.weekday() not in activity.weekdays:
        raise ValidationError(
            _("%(activity)s does not run on %(day)s.")
            % {"activity": activity, "day": date_format(day, "j F Y")},
            code="not_a_day",
        )
    deadline = deadline_for(activity, day, enrolment.commune)
    if now >= deadline:
        raise ValidationError(
            _("Changes for %(day)s were possible until %(deadline)s.")
            % {
                "day": date_format(day, "j F Y"),
                "deadline": _("%(date)s at %(time)s")
                % {
                    "date": date_format(timezone.localtime(deadline), "j F Y"),
                    "time": date_format(timezone.localtime(deadline), "H:i"),
                },
            },
            code="too_late",
        )
    change, _created = DayChange.objects.for_commune(enrolment.commune_id).update_or_create(
        enrolment=enrolment,
        day=day,
        defaults={"commune_id": enrolment.commune_id, "attending": attending, "changed_by": by},
    )
    return change


def attends(enrolment, day: datetime.date, changes: dict | None = None) -> bool:
    """Whether the child attends on ``day``: the weekly days, corrected by the changes."""
    if changes is None:
        change = enrolment.changes.filter(day=day).first()
        changed = None if change is None else change.attending
    else:
        changed = changes.get(day)
    if changed is not None:
        return changed
    return day.weekday() in enrolment.weekdays
