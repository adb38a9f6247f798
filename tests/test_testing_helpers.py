"""``ecommune.testing`` does what a third-party service's tests rely on: the wizard walked as
a browser walks it, requests filed the one way the kit files them, households and counters
made through the kit's own functions."""

import datetime

import pytest
from django.utils import timezone

from ecommune.core import tenancy
from ecommune.notifications.models import OutboxMessage
from ecommune.requests.models import Request
from ecommune.services.contact.models import ContactMessage
from ecommune.testing.factories import UserFactory, make_counter, make_household
from ecommune.testing.filing import Applicant, enable_services, filed_request
from ecommune.testing.wizard import walk_wizard

pytestmark = pytest.mark.django_db
MESSAGE = {"topic": "roads", "subject": "Lampadaire", "message": "Il est éteint depuis lundi."}


def test_walking_a_wizard_answers_each_step_it_shows_and_returns_the_request(
    client, commune, private_storage
):
    enable_services(commune, "contact")
    run = walk_wizard(client, "contact", {"message": MESSAGE})
    assert run.steps == ["applicant", "message", "confirm"]
    assert run.response.status_code == 200
    assert run.filed.reference in run.response.content.decode()
    assert run.filed.contact_message.subject == "Lampadaire"


def test_a_step_refused_fails_the_walk_with_its_name_and_its_french_message(
    client, commune, private_storage
):
    enable_services(commune, "contact")
    with pytest.raises(AssertionError) as refused:
        walk_wizard(client, "contact", {"message": {**MESSAGE, "message": "court"}})
    assert "'message'" in str(refused.value)
    assert "au moins 10 caractères" in str(refused.value)
    assert not Request.objects.exists()


def test_a_walk_stops_on_a_page_that_is_not_a_step(client, commune, monkeypatch):
    """A service for signed-in residents shows its sign-in page to a visitor: no request."""
    from ecommune.core.services import SIGNED_IN
    from ecommune.services.contact.service import ContactService

    monkeypatch.setattr(ContactService, "access", SIGNED_IN)
    enable_services(commune, "contact")
    run = walk_wizard(client, "contact", {"message": MESSAGE})
    assert run.filed is None and run.steps == []
    assert run.response.status_code == 200


def test_a_request_filed_for_a_test_goes_through_file_request_as_its_commune(
    commune, other_commune, private_storage
):
    enable_services(other_commune, "contact")
    filed = filed_request(
        other_commune,
        "contact",
        {"message": MESSAGE},
        applicant=Applicant("Léa", "Durand", "lea@example.org"),
        status="in_progress",
        expected_answer_on=datetime.date(2030, 1, 7),
    )
    assert filed.commune == other_commune and filed.service == "contact"
    assert (filed.status, filed.expected_answer_on) == ("in_progress", datetime.date(2030, 1, 7))
    with tenancy.using(other_commune):
        assert ContactMessage.objects.get(request=filed).subject == "Lampadaire"
        (ack,) = OutboxMessage.objects.filter(related_reference=filed.reference)
    assert ack.event == "request.acknowledged" and ack.recipient == "lea@example.org"


def test_a_counter_opens_every_week_as_its_openings_say(commune):
    monday = timezone.localdate() + datetime.timedelta(days=7 - timezone.localdate().weekday())
    counter = make_counter(commune, "Accueil", starting=monday)
    tz = timezone.get_current_timezone()
    week = [
        (
            o.start.astimezone(tz).weekday(),
            f"{o.start.astimezone(tz):%H:%M}–{o.end.astimezone(tz):%H:%M}",
        )
        for o in counter.occurrences_between(
            datetime.datetime.combine(monday, datetime.time(0), tzinfo=tz),
            datetime.datetime.combine(
                monday + datetime.timedelta(days=7), datetime.time(0), tzinfo=tz
            ),
        )
    ]
    assert len(week) == 10
    assert week[:2] == [(0, "08:30–12:00"), (0, "13:30–17:00")]
    assert sorted(o.agents_on_duty for o in counter.openings.all()) == [1, 2]


def test_a_household_is_made_by_the_kits_own_function(commune):
    from ecommune.families.households import household_of

    parent = UserFactory()
    household = make_household(
        commune,
        parent,
        children=[
            {"first_name": "Léa", "last_name": "Martin", "birth_date": datetime.date(2020, 3, 2)}
        ],
    )
    assert household_of(parent, commune) == household
    assert [child.first_name for child in household.children.all()] == ["Léa"]
