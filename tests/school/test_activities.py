"""Canteen and after-school enrolment per child, activity and day of the week, and a day
changed or cancelled until the commune's deadline (after it: refused, the deadline shown)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from ecommune.families import households
from ecommune.services.school import activities
from ecommune.services.school.models import Activity, ActivityEnrolment, DayChange
from ecommune.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

THURSDAY = datetime.date(2026, 12, 10)


@pytest.fixture
def family(client, commune):
    user = UserFactory()
    client.force_login(user)
    household = households.get_or_create_household(user, commune)
    child = households.add_child(
        household, first_name="Léa", last_name="Roy", birth_date=datetime.date(2019, 5, 1)
    )
    canteen = Activity.unscoped.create(
        commune=commune, name="Cantine", kind="canteen", weekdays=[0, 1, 3, 4]
    )
    return user, child, canteen


def test_the_deadline_is_midnight_two_working_days_before(commune, family):
    _user, _child, canteen = family
    deadline = timezone.localtime(activities.deadline_for(canteen, THURSDAY, commune))
    assert deadline.date() == datetime.date(2026, 12, 8) and deadline.hour == 0
    # A Monday: the weekend does not count.
    monday = timezone.localtime(
        activities.deadline_for(canteen, datetime.date(2026, 12, 14), commune)
    )
    assert monday.date() == datetime.date(2026, 12, 10)


def test_a_day_the_activity_does_not_run_is_refused(family):
    _user, child, canteen = family
    with pytest.raises(ValidationError, match="ne fonctionne pas"):
        activities.enrol(child, canteen, 2026, [2])


@time_machine.travel(datetime.datetime(2026, 12, 7, 18, 0), tick=False)
def test_a_parent_enrols_and_reports_an_absence_in_time(client, family):
    user, child, canteen = family
    saved = client.post(
        "/famille/activites/",
        {"action": "days", f"child{child.pk}-a{canteen.pk}": ["0", "1", "3"]},
    )
    assert saved.status_code == 302
    enrolment = ActivityEnrolment.unscoped.get()
    assert enrolment.weekdays == [0, 1, 3] and enrolment.school_year == 2026
    absence = client.post(
        "/famille/activites/",
        {
            "action": "change",
            "change-enrolment": enrolment.pk,
            "change-day": THURSDAY.isoformat(),
            "change-attending": "no",
        },
    )
    assert absence.status_code == 302
    assert DayChange.unscoped.get().attending is False
    assert not activities.attends(enrolment, THURSDAY)
    assert activities.attends(enrolment, datetime.date(2026, 12, 14))


@time_machine.travel(datetime.datetime(2026, 12, 8, 9, 0), tick=False)
def test_a_change_after_the_deadline_is_refused_with_the_deadline_shown(client, family):
    _user, child, canteen = family
    enrolment = activities.enrol(child, canteen, 2026, [3])
    late = client.post(
        "/famille/activites/",
        {
            "action": "change",
            "change-enrolment": enrolment.pk,
            "change-day": THURSDAY.isoformat(),
            "change-attending": "no",
        },
    )
    error = str(late.context["change_form"].errors["day"])
    assert "jusqu’au 8 décembre 2026 à 00:00" in error
    assert not DayChange.unscoped.exists()


def test_another_households_enrolment_cannot_be_changed(client, commune, family):
    _user, _child, canteen = family
    other = households.get_or_create_household(UserFactory(), commune)
    stranger = households.add_child(
        other, first_name="Tom", last_name="Roy", birth_date=datetime.date(2019, 1, 1)
    )
    enrolment = activities.enrol(stranger, canteen, 2026, [0])
    response = client.post(
        "/famille/activites/",
        {
            "action": "change",
            "change-enrolment": enrolment.pk,
            "change-day": "2027-01-11",
            "change-attending": "no",
        },
    )
    assert "enrolment" in response.context["change_form"].errors
    assert not DayChange.unscoped.exists()
