"""django-axes: five wrong passwords for one address from one connection lock it out."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from tests.accounts.conftest import PASSWORD, fr

pytestmark = pytest.mark.django_db

LOCKED = fr("Too many attempts")


def attempt(client, path, email, password, ip="203.0.113.7"):
    return client.post(path, {"username": email, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("path", ["/compte/connexion/", "/admin/login/"])
def test_the_sixth_attempt_is_refused_even_with_the_right_password(client, commune, agent, path):
    for _ in range(5):
        response = attempt(client, path, agent.email, "mauvais-mot-de-passe")
    # The fifth failure already locks: its answer is the lockout page.
    assert response.status_code == 429
    response = attempt(client, path, agent.email, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert LOCKED in html and 'lang="fr"' in html
    assert "15" in html


def test_four_failures_then_the_right_password_signs_in(client, commune, resident):
    for _ in range(4):
        assert attempt(client, "/compte/connexion/", resident.email, "mauvais").status_code == 200
    response = attempt(client, "/compte/connexion/", resident.email, PASSWORD)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(resident.pk)


def test_the_lock_counts_the_address_whatever_its_case(client, commune, resident):
    for n in range(5):
        email = resident.email.upper() if n % 2 else resident.email
        attempt(client, "/compte/connexion/", email, "mauvais")
    assert attempt(client, "/compte/connexion/", resident.email, PASSWORD).status_code == 429


def test_the_lock_is_for_one_address_from_one_connection(client, commune, resident):
    for _ in range(5):
        attempt(client, "/compte/connexion/", resident.email, "mauvais")
    # The resident from another connection still signs in; so does someone else from there.
    other = attempt(client, "/compte/connexion/", resident.email, PASSWORD, ip="198.51.100.1")
    assert other.status_code == 302
    client.logout()
    neighbour = get_user_model().objects.create_user("voisin@example.org", PASSWORD)
    assert attempt(client, "/compte/connexion/", neighbour.email, PASSWORD).status_code == 302


def test_the_lock_ends_after_fifteen_minutes(client, commune, resident, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC))
    for _ in range(5):
        attempt(client, "/compte/connexion/", resident.email, "mauvais")
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 10, tzinfo=datetime.UTC))
    assert attempt(client, "/compte/connexion/", resident.email, PASSWORD).status_code == 429
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 26, tzinfo=datetime.UTC))
    assert attempt(client, "/compte/connexion/", resident.email, PASSWORD).status_code == 302


def test_behind_a_proxy_the_forwarded_address_counts(client, commune, resident, settings):
    settings.ECOMMUNE_PROXY_COUNT = 1
    for n in range(5):
        # Whatever the client puts first in the header, the proxy's last entry counts.
        client.post(
            "/compte/connexion/",
            {"username": resident.email, "password": "mauvais"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7",
        )
    locked = client.post(
        "/compte/connexion/",
        {"username": resident.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert locked.status_code == 429
    elsewhere = client.post(
        "/compte/connexion/",
        {"username": resident.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert elsewhere.status_code == 302


def test_code_that_checks_a_password_without_a_request_is_not_counted(commune, resident):
    from django.contrib.auth import authenticate

    assert authenticate(username=resident.email, password=PASSWORD) == resident
