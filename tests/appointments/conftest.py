"""Fixtures: a commune with a passport counter open on weekdays, and its motives."""

import datetime

import pytest
from django.utils import timezone

from ecommune.appointments.models import Motive
from ecommune.core import tenancy
from ecommune.requests.workdays import is_working_day
from ecommune.testing.factories import OFFICE_HOURS, make_counter


def quiet_monday(weeks_ahead: int = 2) -> datetime.date:
    """A Monday at least ``weeks_ahead`` weeks away whose whole week has no public holiday."""
    day = timezone.localdate() + datetime.timedelta(weeks=weeks_ahead)
    day += datetime.timedelta(days=(7 - day.weekday()) % 7)
    while not all(is_working_day(day + datetime.timedelta(days=i)) for i in range(5)):
        day += datetime.timedelta(weeks=1)
    return day


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


@pytest.fixture
def counter(commune):
    """Open Monday–Friday 8:30–12:00 (2 agents) and 13:30–17:00 (1 agent), 15-minute slots."""
    return make_counter(commune, "Passeports", openings=OFFICE_HOURS, location="Bureau 3")


@pytest.fixture
def passport(commune, counter):
    with tenancy.using(commune):
        motive = Motive.objects.create(
            name="Dépôt de passeport",
            slug="passeport",
            duration_minutes=30,
            max_people=3,
            requires_ants_number=True,
            instructions="Photo d'identité, justificatif de domicile.",
        )
        motive.counters.add(counter)
    return motive


@pytest.fixture
def civil(commune, counter):
    with tenancy.using(commune):
        motive = Motive.objects.create(name="Retrait d'acte", slug="acte", duration_minutes=15)
        motive.counters.add(counter)
    return motive


@pytest.fixture
def monday():
    return quiet_monday()
