"""A resident signs up, verifies their address and signs in; what goes wrong says so."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from ecommune.accounts import services
from ecommune.accounts.tokens import make_verification_token
from tests.accounts.conftest import PASSWORD, fr, fr_errors, link_in

pytestmark = pytest.mark.django_db

SIGNUP = "/compte/inscription/"
LOGIN = "/compte/connexion/"


def signup_data(**overrides):
    return {
        "first_name": "Camille",
        "last_name": "Martin",
        "email": "Camille.Martin@Example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }


def test_signing_up_creates_an_unverified_account_and_sends_the_link(client, commune, sent):
    with sent():
        response = client.post(SIGNUP, signup_data())
    assert response.status_code == 302 and response["Location"] == "/compte/inscription/envoyee/"
    user = get_user_model().objects.get()
    assert user.email == "camille.martin@example.org" and not user.email_verified
    assert user.check_password(PASSWORD) and not user.is_staff
    [message] = mail.outbox
    assert message.to == ["camille.martin@example.org"]
    assert "Commune-A" in message.body
    page = client.get(response["Location"])
    assert "camille.martin@example.org" in page.content.decode()


def test_the_link_verifies_the_address_then_the_resident_signs_in(client, commune, sent):
    with sent():
        client.post(SIGNUP, signup_data())
    link = link_in(mail.outbox[0], "/compte/verification/")
    page = client.get(link)
    assert page.status_code == 200
    assert fr("Your address is verified") in page.content.decode()
    assert get_user_model().objects.get().email_verified
    # Following it twice is harmless.
    assert client.get(link).status_code == 200
    response = client.post(LOGIN, {"username": "camille.martin@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/compte/profil/"


def test_an_old_link_is_refused_and_offers_a_new_one(client, commune, unverified, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC))
    link = f"/compte/verification/{make_verification_token(unverified)}/"
    time_machine.move_to(datetime.datetime(2026, 3, 4, 10, tzinfo=datetime.UTC))
    page = client.get(link)
    assert page.status_code == 400
    assert fr("The link is too old.") in page.content.decode()
    assert 'action="/compte/verification/renvoyer/"' in page.content.decode()
    unverified.refresh_from_db()
    assert not unverified.email_verified


def test_an_altered_link_is_refused(client, commune, unverified):
    token = make_verification_token(unverified)
    page = client.get(f"/compte/verification/{token[:-2]}xx/")
    assert page.status_code == 400
    unverified.refresh_from_db()
    assert not unverified.email_verified


def test_a_link_for_an_address_since_changed_is_refused(client, commune, unverified):
    token = make_verification_token(unverified)
    unverified.email = "autre@example.org"
    unverified.save()
    assert client.get(f"/compte/verification/{token}/").status_code == 400


def test_signing_up_with_a_taken_address_tells_nobody_but_its_owner(
    client, commune, resident, sent
):
    with sent():
        response = client.post(SIGNUP, signup_data(email="CAMILLE.martin@example.org"))
    # The same page as a new account: the form does not reveal who has an account.
    assert response.status_code == 302 and response["Location"] == "/compte/inscription/envoyee/"
    assert get_user_model().objects.count() == 1
    [message] = mail.outbox
    assert message.to == [resident.email]
    assert "/compte/connexion/" in message.body and "/compte/mot-de-passe/oubli/" in message.body


def test_errors_show_next_to_their_field_and_keep_what_was_typed(client, commune, mailoutbox):
    response = client.post(
        SIGNUP, signup_data(email="pas-une-adresse", password2="autre-chose-encore-42")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_email_error"' in html and 'id="id_password2_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="Camille"' in html and 'value="pas-une-adresse"' in html
    # Passwords are never sent back to the page.
    assert PASSWORD not in html
    assert fr_errors(2) in html
    assert get_user_model().objects.count() == 0 and mailoutbox == []


@pytest.mark.parametrize(
    ("password", "code"),
    [("court", "password_too_short"), ("camille.martin@exemple", "password_too_similar")],
)
def test_weak_passwords_are_refused(client, commune, password, code):
    response = client.post(SIGNUP, signup_data(password1=password, password2=password))
    errors = response.context["form"].errors.as_data()["password1"]
    assert code in [error.code for error in errors]
    assert get_user_model().objects.count() == 0


def test_an_unverified_account_is_told_to_verify_and_gets_a_new_link(
    client, commune, unverified, sent
):
    response = client.post(LOGIN, {"username": unverified.email, "password": PASSWORD})
    html = response.content.decode()
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert fr(
        "Your email address is not verified yet: follow the link we sent you when you "
        "signed up, or ask for a new one below."
    ) in html.replace("&#x27;", "'")
    assert f'type="hidden" name="email" value="{unverified.email}"' in html
    with sent():
        page = client.post("/compte/verification/renvoyer/", {"email": unverified.email})
    assert page.status_code == 200
    [message] = mail.outbox
    client.get(link_in(message, "/compte/verification/"))
    unverified.refresh_from_db()
    assert unverified.email_verified


def test_new_links_are_sent_at_most_once_a_minute(commune, unverified, sent):
    from django.core.cache import cache

    cache.clear()
    with sent():
        assert services.resend_verification_email(unverified.email, "http://testserver/")
        assert not services.resend_verification_email(unverified.email, "http://testserver/")
    assert len(mail.outbox) == 1


def test_asking_a_link_for_an_unknown_address_looks_the_same(client, commune, sent):
    with sent():
        page = client.post("/compte/verification/renvoyer/", {"email": "inconnu@example.org"})
    assert page.status_code == 200 and mail.outbox == []
    assert "inconnu@example.org" in page.content.decode()


def test_sign_in_ignores_the_case_of_the_address_and_follows_next(client, commune, resident):
    response = client.post(
        LOGIN + "?next=/demarches/mes-demandes/",
        {
            "username": "CAMILLE.Martin@example.org",
            "password": PASSWORD,
            "next": "/demarches/mes-demandes/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/demarches/mes-demandes/"


def test_a_wrong_password_is_refused_and_the_address_kept(client, commune, resident):
    response = client.post(LOGIN, {"username": resident.email, "password": "faux-mot-de-passe"})
    html = response.content.decode()
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert 'class="ec-error-summary" role="alert"' in html
    assert f'value="{resident.email}"' in html


def test_an_outside_next_is_ignored(client, commune, resident):
    response = client.post(
        LOGIN, {"username": resident.email, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/compte/profil/"


def test_signing_out_is_a_post(client, commune, resident):
    client.force_login(resident)
    assert client.get("/compte/deconnexion/").status_code == 405
    page = client.post("/compte/deconnexion/")
    assert page.status_code == 200 and "_auth_user_id" not in client.session
    assert fr("You are signed out") in page.content.decode()


def test_posts_need_the_csrf_token(commune, resident):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(LOGIN, {"username": resident.email, "password": PASSWORD}).status_code == 403
    assert strict.post(SIGNUP, signup_data(email="x@example.org")).status_code == 403
    strict.force_login(resident)
    assert strict.post("/compte/profil/", {"first_name": "X"}).status_code == 403
    assert strict.post("/compte/supprimer/", {"password": PASSWORD}).status_code == 403
    assert strict.post("/compte/deconnexion/").status_code == 403
    # The pages themselves carry the token.
    strict.logout()
    page = strict.get(LOGIN)
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()


def test_a_signed_in_resident_is_sent_from_sign_up_to_their_account(client, commune, resident):
    client.force_login(resident)
    assert client.get(SIGNUP)["Location"] == "/compte/profil/"
    assert client.get(LOGIN)["Location"] == "/compte/profil/"


def test_the_header_offers_to_sign_in_or_the_account(client, commune, resident):
    html = client.get(LOGIN).content.decode()
    assert 'href="/compte/connexion/"' in html and fr("Sign in") in html
    client.force_login(resident)
    html = client.get("/compte/profil/").content.decode()
    assert 'class="ec-header__nav"' in html and fr("My account") in html
