"""Household invitations cannot be used as a mail relay: an account sends a few a day, and the
message carries nothing the inviter typed but a short first name (the probe queued 30
invitations to arbitrary addresses with a phishing text as the first name)."""

import pytest
from django.core.exceptions import ValidationError

from ecommune.core import throttling
from ecommune.families import households
from ecommune.notifications.models import OutboxMessage
from ecommune.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "commune-a.test"}
PHISHING = "Votre compte est suspendu, payez sur https://mairie-paiement.example/urgent"


def daily_limit() -> int:
    return int(throttling.rate("invitation-account").split("/")[0])


@pytest.fixture
def parent(client, commune):
    user = UserFactory(email="parent@example.org", first_name="Marie", last_name="Lefebvre")
    client.force_login(user)
    return user


def invite(client, n):
    return client.post("/famille/inviter/", {"email": f"inconnu{n}@example.org"}, **HOST)


def test_an_account_sends_a_few_invitations_a_day_then_is_told_why(client, commune, parent):
    allowed = daily_limit()
    for n in range(allowed):
        assert invite(client, n).status_code == 302
    refused = invite(client, allowed)
    assert refused.status_code == 429
    error = " ".join(refused.context["form"].errors["email"])
    assert f"Vous avez envoyé {allowed} invitations" in error
    assert f'value="inconnu{allowed}@example.org"' in refused.content.decode()
    assert OutboxMessage.unscoped.filter(event="school.guardian_invited").count() == allowed
    # Thirty more tries change nothing.
    for n in range(allowed + 1, 30):
        assert invite(client, n).status_code == 429
    assert OutboxMessage.unscoped.filter(event="school.guardian_invited").count() == allowed


def test_the_limit_is_per_account_and_ends_with_its_day(client, commune, parent, time_machine):
    import datetime

    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC))
    for n in range(daily_limit()):
        invite(client, n)
    assert invite(client, 99).status_code == 429
    # Another account is not concerned.
    client.force_login(UserFactory(email="voisine@example.org", first_name="Anne"))
    assert invite(client, 100).status_code == 302
    # Two days later (the window is a day, wherever it starts).
    time_machine.move_to(datetime.datetime(2026, 3, 4, 9, 1, tzinfo=datetime.UTC))
    client.force_login(parent)
    assert invite(client, 101).status_code == 302


def test_refused_invitations_do_not_count(client, commune, parent):
    invite(client, 0)
    for _ in range(10):
        assert invite(client, 0).status_code == 200  # « already waiting »
    for n in range(1, daily_limit()):
        assert invite(client, n).status_code == 302


@pytest.mark.parametrize(
    ("first_name", "shown"),
    [
        ("Marie", "Marie"),
        ("Jean-Éric", "Jean-Éric"),
        (PHISHING, None),
        ("www mairie-paiement example", None),
        ("Contact 06 12 34 56 78", None),
        ("Maximilienne Anne-Charlotte Éléonore Bénédicte", "Maximilienne Anne-Charlotte"),
    ],
)
def test_the_message_carries_only_a_short_plain_first_name(commune, first_name, shown):
    inviter = UserFactory(first_name=first_name, last_name="Sur https://x.example/y")
    household = households.get_or_create_household(inviter, commune)
    households.invite_guardian(household, email="paul@example.org", invited_by=inviter)
    message = OutboxMessage.unscoped.get(event="school.guardian_invited")
    text = f"{message.subject}\n{message.body}"
    assert "https://x.example" not in text and "mairie-paiement" not in text
    assert "06 12" not in text
    expected = shown or "Un membre de votre famille"
    assert message.subject.startswith(expected)
    assert len(expected) <= 30
    # The only link is the town hall's own invitation page.
    links = [word for word in text.split() if "://" in word]
    assert links == [next(w for w in message.body.split() if "/famille/invitation/" in w)]


def test_the_service_refuses_beyond_the_limit_for_every_caller(commune):
    inviter = UserFactory(first_name="Marie")
    household = households.get_or_create_household(inviter, commune)
    for n in range(daily_limit()):
        households.invite_guardian(household, email=f"p{n}@example.org", invited_by=inviter)
    with pytest.raises(ValidationError) as refused:
        households.invite_guardian(household, email="encore@example.org", invited_by=inviter)
    assert refused.value.code == "throttled"
