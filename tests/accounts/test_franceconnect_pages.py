"""FranceConnect on the site's pages: the official button where residents sign in, nothing
when it is off, the Content Security Policy, failures explained, and the certified identity
in the request wizard (read-only, whatever is posted)."""

import pytest
from django.urls import reverse

from ecommune.accounts.franceconnect import certified_identity
from ecommune.accounts.franceconnect.models import FranceConnectIdentity
from ecommune.requests.models import Request
from ecommune.testing.factories import UserFactory
from tests.accounts.conftest import fr
from tests.accounts.franceconnect_provider import _free_port

pytestmark = pytest.mark.django_db

CLAIMS = {
    "given_name": "Angela Claire Louise",
    "family_name": "DUBOIS",
    "birthdate": "1962-08-24",
    "birthplace": "75107",
    "email": "angela.dubois@example.org",
}


@pytest.fixture
def enabled(settings, commune):
    settings.ECOMMUNE_FRANCECONNECT_ENABLED = True
    settings.ECOMMUNE_FRANCECONNECT_ISSUER = "https://fcp-low.sbx.dev-franceconnect.fr/api/v2"
    settings.ECOMMUNE_FRANCECONNECT_CLIENT_ID = "client"


@pytest.mark.parametrize("page", ["ecommune_accounts:login", "ecommune_accounts:signup"])
def test_the_official_button_is_on_the_sign_in_and_sign_up_pages(client, enabled, page):
    html = client.get(reverse(page)).content.decode()
    assert 'class="fr-connect"' in html
    assert f'href="{reverse("ecommune_accounts:franceconnect_login")}"' in html
    assert fr("Sign in with") == "S’identifier avec"
    assert "S’identifier avec" in html and "FranceConnect</span>" in html
    assert "Qu’est-ce que FranceConnect ?" in html
    assert "/static/ecommune_accounts/franceconnect/franceconnect.css" in html
    # Before the password form: FranceConnect comes first.
    assert html.index('class="fr-connect"') < html.index('type="password"')


def test_the_button_carries_the_next_page(client, enabled):
    html = client.get(reverse("ecommune_accounts:login"), {"next": "/demarches/contact/"})
    assert "connexion/?next=%2Fdemarches%2Fcontact%2F" in html.content.decode()


def test_the_button_drops_a_next_page_elsewhere(client, enabled):
    html = client.get(reverse("ecommune_accounts:login"), {"next": "https://evil.example/"})
    assert "evil.example" not in html.content.decode().split('class="fr-connect"')[1][:300]


@pytest.mark.parametrize("page", ["ecommune_accounts:login", "ecommune_accounts:signup"])
def test_no_button_when_franceconnect_is_off(client, commune, settings, page):
    settings.ECOMMUNE_FRANCECONNECT_ENABLED = False
    html = client.get(reverse(page)).content.decode()
    assert "fr-connect" not in html
    assert client.get(reverse("ecommune_accounts:franceconnect_login")).status_code == 404
    assert client.get(reverse("ecommune_accounts:franceconnect_callback")).status_code == 404


def test_the_static_files_are_shipped(client):
    from django.contrib.staticfiles import finders

    for name in ("franceconnect.css", "franceconnect-logo.svg"):
        assert finders.find(f"ecommune_accounts/franceconnect/{name}"), name


def test_forms_may_lead_to_franceconnect_only_when_it_is_on(client, commune, settings):
    settings.ECOMMUNE_FRANCECONNECT_ENABLED = False
    csp = client.get(reverse("ecommune_accounts:login"))["Content-Security-Policy"]
    assert "form-action 'self';" in csp or csp.endswith("form-action 'self'")
    settings.ECOMMUNE_FRANCECONNECT_ENABLED = True
    settings.ECOMMUNE_FRANCECONNECT_ISSUER = "https://oidc.franceconnect.gouv.fr/api/v2"
    csp = client.get(reverse("ecommune_accounts:login"))["Content-Security-Policy"]
    assert "form-action 'self' https://oidc.franceconnect.gouv.fr" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_franceconnect_out_of_reach_is_explained(client, enabled, settings):
    settings.ECOMMUNE_FRANCECONNECT_ISSUER = f"http://127.0.0.1:{_free_port()}/api/v2"
    response = client.get(reverse("ecommune_accounts:franceconnect_login"))
    assert response.status_code == 503
    assert fr("FranceConnect cannot be reached") in response.content.decode()


def test_a_callback_without_a_sign_in_started_is_refused(client, enabled, settings):
    settings.ECOMMUNE_FRANCECONNECT_ISSUER = f"http://127.0.0.1:{_free_port()}/api/v2"
    response = client.get(
        reverse("ecommune_accounts:franceconnect_callback"), {"code": "c", "state": "s" * 48}
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_certified_identity_is_none_without_franceconnect(commune):
    from django.contrib.auth.models import AnonymousUser

    assert certified_identity(AnonymousUser()) is None
    assert certified_identity(UserFactory()) is None


@pytest.fixture
def contact(commune, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    commune.enabled_services = ["contact"]
    commune.save()
    return commune


@pytest.fixture
def certified(commune):
    user = UserFactory(email="angela@example.org", first_name="Angie", last_name="Dubois")
    FranceConnectIdentity.objects.create(user=user, sub="sub-angela", claims=CLAIMS)
    return user


def test_the_first_step_shows_the_certified_identity_read_only(client, contact, certified):
    client.force_login(certified)
    html = client.get("/demarches/contact/applicant/").content.decode()
    for field, value in (
        ("first_name", "Angela Claire Louise"),
        ("last_name", "DUBOIS"),
        ("email", "angela.dubois@example.org"),
    ):
        tag = (
            html.split(f'id="id_applicant-{field}"')[0].rsplit("<input", 1)[1]
            + html.split(f'id="id_applicant-{field}"')[1].split(">", 1)[0]
        )
        assert f'value="{value}"' in tag and "readonly" in tag, tag
    assert html.count("Certifié par FranceConnect") == 3
    # The phone is the resident's own: it stays editable.
    phone = html.split('id="id_applicant-phone"')[1].split(">", 1)[0]
    assert "readonly" not in phone


def test_certified_values_are_kept_whatever_is_posted(client, contact, certified):
    client.force_login(certified)
    data = {
        "ecommune_contact-current_step": "applicant",
        "applicant-first_name": "Someone",
        "applicant-last_name": "Else",
        "applicant-email": "else@example.org",
    }
    assert client.post("/demarches/contact/applicant/", data).status_code == 302
    message = {"topic": "roads", "subject": "Lampadaire", "message": "Éteint depuis lundi."}
    client.post(
        "/demarches/contact/message/",
        {"ecommune_contact-current_step": "message"}
        | {f"message-{k}": v for k, v in message.items()},
    )
    confirmed = client.post(
        "/demarches/contact/confirm/",
        {"ecommune_contact-current_step": "confirm", "confirm-certify": "on"},
    )
    client.get(confirmed["Location"])
    filed = Request.unscoped.get()
    assert (filed.applicant_first_name, filed.applicant_last_name, filed.applicant_email) == (
        "Angela Claire Louise",
        "DUBOIS",
        "angela.dubois@example.org",
    )


def test_without_franceconnect_the_first_step_is_editable(client, contact):
    client.force_login(UserFactory(first_name="Camille"))
    html = client.get("/demarches/contact/applicant/").content.decode()
    first_name = html.split('id="id_applicant-first_name"')[1].split(">", 1)[0]
    assert "readonly" not in first_name
    assert "Certifié par FranceConnect" not in html


def test_the_system_checks_name_what_franceconnect_misses(settings):
    from ecommune.accounts.franceconnect.checks import check_franceconnect

    settings.ECOMMUNE_FRANCECONNECT_ENABLED = False
    assert check_franceconnect(None) == []
    settings.ECOMMUNE_FRANCECONNECT_ENABLED = True
    settings.ECOMMUNE_FRANCECONNECT_CLIENT_ID = ""
    settings.ECOMMUNE_FRANCECONNECT_CLIENT_SECRET = "secret"
    settings.ECOMMUNE_FRANCECONNECT_SIGN_ALGO = "HS256"
    errors = check_franceconnect(None)
    assert [e.id for e in errors] == ["ecommune_accounts.E101", "ecommune_accounts.E103"]
    assert "ECOMMUNE_FRANCECONNECT_CLIENT_ID" in errors[0].msg
