"""Signing in with FranceConnect, against a real OpenID provider (oidc-provider on 127.0.0.1):
Django's test client plays the site's side, ``requests`` the browser at the provider."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from ecommune.accounts.franceconnect import certified_identity
from ecommune.accounts.franceconnect.models import FranceConnectIdentity
from ecommune.testing.factories import AgentFactory, UserFactory
from tests.accounts.conftest import fr
from tests.accounts.franceconnect_provider import (
    ACCOUNTS,
    CALLBACK_PATH,
    LOGOUT_RETURN_PATH,
    query,
    sign_in_at_provider,
)

pytestmark = pytest.mark.django_db

LOGIN_URL = "/compte/franceconnect/connexion/"
SITE = "http://testserver"
User = get_user_model()


def start(client, next_url=None):
    """The redirection to FranceConnect's authorization endpoint."""
    response = client.get(LOGIN_URL, {"next": next_url} if next_url else {})
    assert response.status_code == 302
    return response["Location"]


def come_back(client, login):
    """Signs in at the provider as ``login``; returns the callback URL, not yet followed."""
    return sign_in_at_provider(start(client), login, stop_at=SITE + CALLBACK_PATH)


def path_of(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_the_authorization_request_carries_state_nonce_acr_and_the_identity_scopes(
    client, franceconnect
):
    location = start(client)
    assert location.startswith(franceconnect.issuer + "/authorize?")
    params = query(location)
    assert params["response_type"] == "code"
    assert params["acr_values"] == "eidas1"
    assert params["redirect_uri"] == SITE + CALLBACK_PATH
    assert set(params["scope"].split()) >= {
        "openid",
        "given_name",
        "family_name",
        "birthdate",
        "birthplace",
        "email",
    }
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32
    stored = client.session["oidc_states"][params["state"]]
    assert stored["nonce"] == params["nonce"]


def test_a_new_resident_gets_a_verified_account_with_the_certified_identity(client, franceconnect):
    callback = come_back(client, "angela")
    response = client.get(path_of(callback))

    assert response.status_code == 302
    assert response["Location"] == reverse("ecommune_accounts:profile")
    angela = ACCOUNTS["angela"]
    user = User.objects.get(email=angela["claims"]["email"])
    assert int(client.session["_auth_user_id"]) == user.pk
    assert user.email_verified
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("Angela Claire Louise", "DUBOIS")
    identity = user.franceconnect_identity
    assert identity.sub == angela["sub"]
    assert certified_identity(user) == angela["claims"]
    assert {"iss", "aud", "sub"}.isdisjoint(identity.claims)


def test_next_page_is_kept_through_franceconnect(client, franceconnect):
    location = start(client, next_url="/demarches/contact/")
    callback = sign_in_at_provider(location, "angela", stop_at=SITE + CALLBACK_PATH)
    response = client.get(path_of(callback))
    assert response["Location"] == "/demarches/contact/"


def test_a_second_sign_in_updates_the_claims_and_the_last_login(client, franceconnect):
    client.get(path_of(come_back(client, "angela")))
    identity = FranceConnectIdentity.objects.get()
    identity.claims = {"given_name": "Old"}
    identity.save()
    first_login = identity.last_login_at
    client.logout()

    client.get(path_of(come_back(client, "angela")))
    identity.refresh_from_db()
    assert identity.claims["given_name"] == "Angela Claire Louise"
    assert identity.last_login_at > first_login
    assert User.objects.count() == 1


def test_an_account_with_the_same_verified_address_is_linked(client, franceconnect):
    resident = UserFactory(email="camille.martin@example.org", first_name="Cam")

    client.get(path_of(come_back(client, "camille")))

    assert int(client.session["_auth_user_id"]) == resident.pk
    assert resident.franceconnect_identity.sub == ACCOUNTS["camille"]["sub"]
    resident.refresh_from_db()
    assert resident.first_name == "Cam"  # the resident's own details stay theirs
    assert User.objects.count() == 1


def test_an_unverified_account_with_the_same_address_is_not_taken_over(client, franceconnect):
    unverified = UserFactory(email="lea.durand@example.org", email_verified_at=None)

    response = client.get(path_of(come_back(client, "lea")))

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not FranceConnectIdentity.objects.exists()
    unverified.refresh_from_db()
    assert not unverified.email_verified
    page = response.content.decode()
    assert fr("An account with your email address is waiting for confirmation") in page
    assert reverse("ecommune_accounts:password_reset") in page


def test_a_back_office_account_is_not_linked(client, franceconnect, commune):
    AgentFactory(commune=commune, user__email="camille.martin@example.org")

    response = client.get(path_of(come_back(client, "camille")))

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert fr("This address belongs to a town hall agent") in response.content.decode()


def test_a_wrong_state_is_refused(client, franceconnect):
    callback = come_back(client, "angela")
    params = query(callback)
    response = client.get(CALLBACK_PATH, {"code": params["code"], "state": "x" * 48})

    assert response.status_code == 400
    assert fr("Sign-in with FranceConnect failed") in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()


def test_a_wrong_nonce_is_refused(client, franceconnect):
    callback = come_back(client, "angela")
    state = query(callback)["state"]
    session = client.session
    session["oidc_states"][state]["nonce"] = "n" * 48
    session.save()

    response = client.get(path_of(callback))

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()


def test_a_code_is_used_once(client, franceconnect):
    callback = come_back(client, "angela")
    client.get(path_of(callback))
    client.logout()

    response = client.get(path_of(callback))
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_cancelling_at_franceconnect_says_so(client, franceconnect):
    state = query(start(client))["state"]
    response = client.get(CALLBACK_PATH, {"error": "access_denied", "state": state})
    assert response.status_code == 200
    assert fr("Sign-in with FranceConnect cancelled") in response.content.decode()
    assert state not in client.session["oidc_states"]


def test_sign_out_goes_to_franceconnect_with_the_id_token_and_comes_back(client, franceconnect):
    client.get(path_of(come_back(client, "angela")))
    id_token = client.session["oidc_id_token"]

    response = client.post(reverse("ecommune_accounts:logout"))

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(franceconnect.issuer + "/session/end?")
    params = query(location)
    assert params["id_token_hint"] == id_token
    assert params["post_logout_redirect_uri"] == SITE + LOGOUT_RETURN_PATH
    assert len(params["state"]) >= 32
    assert "_auth_user_id" not in client.session

    # The provider accepts the hint, asks, and sends the resident back with the state.
    import requests

    browser = requests.Session()
    page = browser.get(location, timeout=10)
    assert page.status_code == 200, page.text
    form_action = page.text.split('action="')[1].split('"')[0]
    xsrf = page.text.split('name="xsrf" value="')[1].split('"')[0]
    answer = browser.post(
        requests.compat.urljoin(page.url, form_action),
        data={"xsrf": xsrf, "logout": "yes"},
        allow_redirects=False,
        timeout=10,
    )
    back = answer.headers["location"]
    assert back.startswith(SITE + LOGOUT_RETURN_PATH)
    assert query(back)["state"] == params["state"]

    done = client.get(path_of(back))
    assert done.status_code == 200
    assert fr("You are signed out") in done.content.decode()


def test_a_forged_sign_out_return_is_refused(client, franceconnect):
    client.get(path_of(come_back(client, "angela")))
    client.post(reverse("ecommune_accounts:logout"))
    response = client.get(LOGOUT_RETURN_PATH, {"state": "forged" * 8})
    assert response.status_code == 400
    assert fr("Sign-out not confirmed") in response.content.decode()


def test_a_password_session_signs_out_here_only(client, franceconnect):
    client.force_login(UserFactory())
    response = client.post(reverse("ecommune_accounts:logout"))
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
