"""Throttling of what a stranger can repeat: sign-in, sign-up, password reset, new verification
links and tracking a request by reference, per connection and per account or email address.

A refusal is a 429 with a French message (the lockout page in the commune's theme for sign-in,
the form with what was typed otherwise), never a 500; the counters are django-ratelimit's in the
shared cache, beside django-axes' lock per address and connection."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from ecommune.core import throttling
from tests.accounts.conftest import PASSWORD, fr

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "commune-a.test"}


def limit(name: str) -> int:
    return int(throttling.rate(name).split("/")[0])


def ip(n: int) -> str:
    return f"198.51.{n // 250}.{n % 250 + 1}"


def too_many_from_connection() -> str:
    return fr("Too many attempts from your connection. Wait %(wait)s, then try again.").split(
        "%(wait)s"
    )[0]


def too_many_for_address() -> str:
    return fr("Too many attempts with this email address. Wait %(wait)s, then try again.").split(
        "%(wait)s"
    )[0]


def sign_in(client, email, password, address="203.0.113.7"):
    return client.post(
        "/compte/connexion/", {"username": email, "password": password}, REMOTE_ADDR=address, **HOST
    )


# Sign-in --------------------------------------------------------------------------------------


def test_one_connection_trying_passwords_on_many_addresses_is_stopped(client, commune, resident):
    """The probe's 40 passwords in 34 s from one address: django-axes alone locks a pair
    (address typed, connection), so a new address each time was never locked."""
    allowed = limit("signin-ip")
    answers = [
        sign_in(client, f"voisin{n}@example.org", "mauvais-mot-de-passe").status_code
        for n in range(40)
    ]
    assert answers[:allowed] == [200] * allowed
    assert set(answers[allowed:]) == {429}
    refused = sign_in(client, resident.email, PASSWORD)
    assert refused.status_code == 429 and "_auth_user_id" not in client.session
    html = refused.content.decode()
    assert fr("Too many attempts") in html and 'lang="fr"' in html
    assert "votre connexion" in html
    # The resident signs in from anywhere else.
    assert sign_in(client, resident.email, PASSWORD, address="192.0.2.50").status_code == 302


def test_one_address_tried_from_many_connections_is_stopped(client, commune, resident):
    allowed = limit("signin-account")
    for n in range(allowed):
        assert sign_in(client, resident.email, "mauvais", address=ip(n)).status_code == 200
    refused = sign_in(client, resident.email.upper(), PASSWORD, address=ip(999))
    assert refused.status_code == 429 and "_auth_user_id" not in client.session
    assert "cette adresse" in refused.content.decode()
    # Another account from the same connections is not concerned.
    other = get_user_model().objects.create_user("voisin@example.org", PASSWORD)
    assert sign_in(client, other.email, PASSWORD, address=ip(0)).status_code == 302


def test_the_sign_in_limits_end_with_their_window(client, commune, resident, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC))
    for n in range(limit("signin-ip")):
        sign_in(client, f"voisin{n}@example.org", "mauvais")
    assert sign_in(client, resident.email, PASSWORD).status_code == 429
    time_machine.move_to(datetime.datetime(2026, 3, 2, 11, 1, tzinfo=datetime.UTC))
    assert sign_in(client, resident.email, PASSWORD).status_code == 302


def test_the_back_office_sign_in_has_the_same_limits(client, commune, agent):
    for n in range(limit("signin-ip")):
        client.post(
            "/admin/login/", {"username": f"x{n}@example.org", "password": "mauvais"}, **HOST
        )
    refused = client.post("/admin/login/", {"username": agent.email, "password": PASSWORD}, **HOST)
    assert refused.status_code == 429 and "_auth_user_id" not in client.session


# Forms that send an email: sign-up, password reset, new verification link ---------------------

SIGNUP = {
    "first_name": "Camille",
    "last_name": "Martin",
    "password1": PASSWORD,
    "password2": PASSWORD,
}

FORMS = [
    # (path, limit prefix, fields besides the email, status of an accepted submission)
    ("/compte/inscription/", "signup", SIGNUP, 302),
    ("/compte/mot-de-passe/oubli/", "password-reset", {}, 302),
    ("/compte/verification/renvoyer/", "resend", {}, 200),
]


@pytest.mark.parametrize(("path", "name", "fields", "accepted"), FORMS)
def test_one_connection_is_stopped_whatever_the_addresses(
    client, commune, path, name, fields, accepted
):
    allowed = limit(f"{name}-ip")
    for n in range(allowed):
        response = client.post(path, {**fields, "email": f"p{n}@example.org"}, **HOST)
        assert response.status_code == accepted, n
        client.logout()
    refused = client.post(path, {**fields, "email": "derniere@example.org"}, **HOST)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert too_many_from_connection() in html.replace("&#x27;", "'")
    assert 'value="derniere@example.org"' in html
    # Another connection is not concerned.
    other = client.post(path, {**fields, "email": "autre@example.org"}, REMOTE_ADDR=ip(7), **HOST)
    assert other.status_code == accepted


@pytest.mark.parametrize(("path", "name", "fields", "accepted"), FORMS)
def test_one_address_is_stopped_whatever_the_connections(
    client, commune, path, name, fields, accepted
):
    allowed = limit(f"{name}-email")
    for n in range(allowed):
        response = client.post(
            path, {**fields, "email": "cible@example.org"}, REMOTE_ADDR=ip(n), **HOST
        )
        assert response.status_code == accepted, n
        client.logout()
    refused = client.post(
        path, {**fields, "email": "CIBLE@example.org"}, REMOTE_ADDR=ip(99), **HOST
    )
    assert refused.status_code == 429
    form = refused.context["form"]
    # Next to the field it is about.
    assert too_many_for_address() in " ".join(form.errors["email"])
    assert 'aria-invalid="true"' in refused.content.decode()


def test_sign_ups_refused_for_too_many_attempts_create_nothing(client, commune):
    for _ in range(limit("signup-email") + 2):
        client.post("/compte/inscription/", {**SIGNUP, "email": "cible@example.org"}, **HOST)
    from ecommune.notifications.models import OutboxMessage

    assert get_user_model().objects.count() == 1
    assert OutboxMessage.unscoped.count() == limit("signup-email")


# Tracking a request by reference ---------------------------------------------------------------


@pytest.fixture
def filed(commune):
    """A request filed through the engine (without a mail server: its acknowledgment waits)."""
    from ecommune.core.registry import registry
    from ecommune.requests.services import Applicant, submit_request

    commune.enabled_services = ["contact"]
    commune.save()
    request, _ = submit_request(
        commune=commune,
        service=registry.get("contact"),
        applicant=Applicant("Camille", "Martin", "camille@example.org"),
    )
    return request


def track(client, reference, email, address="203.0.113.7"):
    return client.post(
        "/demarches/suivi/", {"reference": reference, "email": email}, REMOTE_ADDR=address, **HOST
    )


def test_guessing_references_for_a_known_email_is_stopped(client, commune, filed):
    """The probe's 200 guesses for a known email, from as many connections."""
    allowed = limit("track-email")
    answers = [
        track(client, f"EC-2026-{n:05d}", "Camille@example.org", address=ip(n)).status_code
        for n in range(200)
    ]
    assert answers[:allowed] == [200] * allowed
    assert set(answers[allowed:]) == {429}
    # Once stopped, even the right reference is not looked up.
    refused = track(client, filed.reference, filed.applicant_email, address=ip(500))
    assert refused.status_code == 429
    assert too_many_for_address() in " ".join(refused.context["form"].errors["email"])
    assert f'value="{filed.reference}"' in refused.content.decode()


def test_guessing_from_one_connection_is_stopped(client, commune, filed):
    allowed = limit("track-ip")
    for n in range(allowed):
        assert track(client, f"EC-2026-{n:05d}", f"p{n}@example.org").status_code == 200
    refused = track(client, filed.reference, filed.applicant_email)
    assert refused.status_code == 429
    assert too_many_from_connection() in refused.content.decode().replace("&#x27;", "'")
    # The resident, from their own connection, follows their request.
    found = track(client, filed.reference, filed.applicant_email, address="192.0.2.9")
    assert found.status_code == 302


def test_finding_ones_request_does_not_count(client, commune, filed):
    for _ in range(limit("track-ip") + 5):
        assert track(client, filed.reference, filed.applicant_email).status_code == 302


# Settings ---------------------------------------------------------------------------------------


def test_a_site_sets_its_own_rates_or_turns_one_off(client, commune, settings):
    settings.ECOMMUNE_RATE_LIMITS = {"password-reset-ip": "2/h", "password-reset-email": None}
    for _ in range(2):
        assert (
            client.post("/compte/mot-de-passe/oubli/", {"email": "a@example.org"}).status_code
            == 302
        )
    assert client.post("/compte/mot-de-passe/oubli/", {"email": "b@example.org"}).status_code == 429


def test_throttling_can_be_turned_off_entirely(client, commune, settings):
    settings.RATELIMIT_ENABLE = False
    for n in range(limit("signin-ip") + 3):
        assert sign_in(client, f"voisin{n}@example.org", "mauvais").status_code == 200
