"""A signed-in resident keeps their details, resets a password, downloads and deletes."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from ecommune.accounts.exports import ExporterRegistry, exporters
from ecommune.accounts.models import User
from tests.accounts.conftest import PASSWORD, fr, link_in

pytestmark = pytest.mark.django_db

PROFILE = "/compte/profil/"


def profile_data(**overrides):
    return {
        "first_name": "Camille",
        "last_name": "Martin-Durand",
        "street_address": "4 rue des Tilleuls",
        "postal_code": "44000",
        "city": "Nantes",
        "phone": "0612345678",
        "sms_consent": "on",
        **overrides,
    }


@pytest.mark.parametrize(
    "path",
    [PROFILE, "/compte/supprimer/", "/compte/mes-donnees.json", "/compte/mot-de-passe/changer/"],
)
def test_account_pages_ask_to_sign_in_first(client, commune, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/compte/connexion/?next={path}")


def test_a_resident_changes_name_address_and_contact_details(client, commune, resident):
    client.force_login(resident)
    response = client.post(PROFILE, profile_data())
    assert response.status_code == 302 and response["Location"] == PROFILE
    resident.refresh_from_db()
    assert (resident.last_name, resident.street_address, resident.postal_code, resident.city) == (
        "Martin-Durand",
        "4 rue des Tilleuls",
        "44000",
        "Nantes",
    )
    assert resident.phone == "06 12 34 56 78" and resident.sms_consent
    page = client.get(PROFILE).content.decode()
    assert fr("Your details have been saved.") in page
    assert 'value="4 rue des Tilleuls"' in page


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("phone", "02 40 41 00 00", "invalid_mobile"),
        ("phone", "06 12", "invalid_mobile"),
        ("postal_code", "4400", "invalid_postal_code"),
    ],
)
def test_bad_details_are_refused_next_to_their_field(client, commune, resident, field, value, code):
    client.force_login(resident)
    response = client.post(PROFILE, profile_data(**{field: value}))
    assert response.status_code == 200
    assert code in [e.code for e in response.context["form"].errors.as_data()[field]]
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and f'value="{value}"' in html
    assert 'value="4 rue des Tilleuls"' in html
    resident.refresh_from_db()
    assert resident.street_address == ""


@pytest.mark.parametrize("number", ["07 12 34 56 78", "+33 6 12 34 56 78", "+262 692 12 34 56"])
def test_french_mobile_numbers_are_accepted(client, commune, resident, number):
    client.force_login(resident)
    assert client.post(PROFILE, profile_data(phone=number)).status_code == 302


def test_sms_consent_needs_a_mobile_number(client, commune, resident):
    client.force_login(resident)
    response = client.post(PROFILE, profile_data(phone=""))
    assert response.context["form"].errors["phone"] == [fr("Give a mobile number to receive SMS.")]


def test_a_forgotten_password_is_replaced_through_the_emailed_link(client, commune, sent):
    user = get_user_model().objects.create_user(
        "lea@example.org", "ancien-mot-de-passe-42", email_verified_at=None
    )
    with sent():
        response = client.post("/compte/mot-de-passe/oubli/", {"email": "LEA@example.org"})
    assert response["Location"] == "/compte/mot-de-passe/oubli/envoye/"
    [message] = mail.outbox
    link = link_in(message, "/compte/mot-de-passe/nouveau/")
    page = client.get(link, follow=True)
    assert page.context["validlink"]
    new = "un-tout-nouveau-secret-77"
    done = client.post(page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done["Location"] == "/compte/mot-de-passe/nouveau/fait/"
    user.refresh_from_db()
    assert user.check_password(new)
    # The link reached the mailbox: the address counts as verified.
    assert user.email_verified


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, commune, sent):
    with sent():
        response = client.post("/compte/mot-de-passe/oubli/", {"email": "personne@example.org"})
    assert response["Location"] == "/compte/mot-de-passe/oubli/envoye/"
    assert mail.outbox == []


def test_a_resident_changes_their_password(client, commune, resident):
    client.force_login(resident)
    new = "encore-un-autre-secret-31"
    response = client.post(
        "/compte/mot-de-passe/changer/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == PROFILE
    resident.refresh_from_db()
    assert resident.check_password(new)


def test_the_data_download_is_json_with_the_account(client, commune, resident):
    resident.street_address = "4 rue des Tilleuls"
    resident.save()
    client.force_login(resident)
    response = client.get("/compte/mes-donnees.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="mes-donnees.json"'
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["format"] == "ecommune-user-data/1"
    assert data["account"]["email"] == resident.email
    assert data["account"]["street_address"] == "4 rue des Tilleuls"
    assert "password" not in json.dumps(data)


def test_other_apps_add_their_section_to_the_download(client, commune, resident):
    @exporters.register("test-library")
    def export_loans(user):
        return [{"book": "Les Misérables", "borrower": user.email}]

    try:
        client.force_login(resident)
        data = json.loads(client.get("/compte/mes-donnees.json").content)
    finally:
        exporters.unregister("test-library")
    assert data["test-library"] == [{"book": "Les Misérables", "borrower": resident.email}]


def test_an_exporter_name_is_taken_once():
    registry = ExporterRegistry()
    registry.register("loans")(lambda user: [])
    with pytest.raises(ImproperlyConfigured):
        registry.register("loans")(lambda user: [])
    with pytest.raises(ImproperlyConfigured):
        registry.register("format")(lambda user: [])


def test_deleting_the_account_needs_the_password_and_the_tick(client, commune, resident):
    client.force_login(resident)
    page = client.get("/compte/supprimer/").content.decode()
    assert fr("What the town hall keeps") in page
    response = client.post("/compte/supprimer/", {"password": "pas-le-bon", "confirm": ""})
    errors = response.context["form"].errors
    assert errors["password"] == [fr("This is not your password.")]
    assert errors["confirm"] == [fr("Tick this box to delete your account.")]
    assert User.objects.filter(pk=resident.pk).exists()


def test_a_deleted_account_is_gone_and_its_requests_stay_with_the_commune(
    client, commune, resident, sent
):
    from ecommune.requests.models import Request

    filed = Request.unscoped.create(
        commune=commune,
        reference="EC-2026-ABCDE",
        service="contact",
        applicant=resident,
        applicant_first_name="Camille",
        applicant_last_name="Martin",
        applicant_email=resident.email,
    )
    client.force_login(resident)
    with sent():
        response = client.post("/compte/supprimer/", {"password": PASSWORD, "confirm": "on"})
    assert response["Location"] == "/compte/supprime/"
    assert not User.objects.filter(pk=resident.pk).exists()
    assert "_auth_user_id" not in client.session
    filed.refresh_from_db()
    assert filed.applicant is None and filed.applicant_email == "camille.martin@example.org"
    [message] = mail.outbox
    assert message.to == ["camille.martin@example.org"]
    assert client.get("/compte/supprime/").status_code == 200


def test_an_agent_cannot_delete_their_account_from_the_public_pages(client, commune, agent):
    client.force_login(agent)
    assert client.get("/compte/supprimer/").status_code == 403
    response = client.post("/compte/supprimer/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 403
    assert User.objects.filter(pk=agent.pk).exists()


def test_emails_are_sent_only_when_the_transaction_commits(commune, resident, sent):
    from django.db import transaction

    from ecommune.accounts.emails import send_account_email

    with sent():
        with pytest.raises(RuntimeError), transaction.atomic():
            send_account_email(resident, "account_deleted")
            raise RuntimeError
        send_account_email(resident, "account_deleted")
    assert len(mail.outbox) == 1


def test_an_unknown_kind_of_email_is_refused(resident):
    from ecommune.accounts.emails import send_account_email

    with pytest.raises(ValueError):
        send_account_email(resident, "newsletter")


def test_without_the_notifications_app_an_account_email_fails_loudly(resident):
    """Accounts sit below notifications: they ask for their emails with a signal, and an
    install where nothing answers it refuses to send instead of losing the email."""
    from django.core.exceptions import ImproperlyConfigured

    from ecommune.accounts.emails import account_email, send_account_email
    from ecommune.notifications.account_emails import connect_signals

    assert account_email.disconnect(dispatch_uid="ecommune_account_emails")
    try:
        with pytest.raises(ImproperlyConfigured):
            send_account_email(resident, "account_deleted")
    finally:
        connect_signals()
