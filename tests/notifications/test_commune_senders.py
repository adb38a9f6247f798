"""Each commune's mail leaves from its own address and its SMS under its own name."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from ecommune.accounts.emails import send_account_email
from ecommune.core import tenancy
from ecommune.core.provisioning import CommuneData, setup_commune
from ecommune.notifications import services
from ecommune.notifications.models import Status
from ecommune.testing.factories import UserFactory


def queue(commune, to="camille@example.org"):
    return services.queue_email(to, "Objet", "Texte", event="request.acknowledged", commune=commune)


def test_without_its_own_address_a_commune_sends_from_the_install_s_under_its_name(commune):
    queue(commune)
    services.send_due_messages()
    [sent] = mail.outbox
    assert sent.from_email == "Commune-A <ne-pas-repondre@ecommune.localhost>"


@pytest.mark.outside_commune
def test_each_commune_s_mail_leaves_from_its_own_address(commune, other_commune):
    commune.sender_email = "ne-pas-repondre@commune-a.fr"
    commune.contact_email = "mairie@commune-a.fr"
    commune.save()
    for each in (commune, other_commune):
        with tenancy.using(each):
            queue(each)
            services.send_due_messages()
    first, second = mail.outbox
    assert first.from_email == "Commune-A <ne-pas-repondre@commune-a.fr>"
    assert first.reply_to == ["mairie@commune-a.fr"]
    # The other commune keeps the install's address.
    assert second.from_email == "Commune-B <ne-pas-repondre@ecommune.localhost>"


def test_account_emails_leave_from_the_commune_s_address(commune):
    commune.sender_email = "comptes@commune-a.fr"
    commune.save()
    user = UserFactory(email="camille@example.org")
    send_account_email(user, "password_reset", {"reset_url": "https://commune-a.test/r/"})
    assert services.send_due_messages() == {Status.SENT: 1}
    [sent] = mail.outbox
    assert sent.from_email == "Commune-A <comptes@commune-a.fr>"


def test_the_smtp_envelope_carries_the_commune_s_address(commune, smtp_server):
    """What SPF checks: the envelope's sender, the commune's domain."""
    smtp_server.refuse = False
    commune.sender_email = "ne-pas-repondre@commune-a.fr"
    commune.save()
    queue(commune)
    assert services.send_due_messages() == {Status.SENT: 1}
    [envelope] = smtp_server.received
    assert envelope.mail_from == "ne-pas-repondre@commune-a.fr"


@pytest.mark.parametrize("sender", ["MAIRIE", "StHerblain", "Mairie44", "ABC"])
def test_sms_senders_operators_show_are_accepted(commune, sender):
    commune.sms_sender = sender
    commune.full_clean(exclude=["site", "coat_of_arms"])


@pytest.mark.parametrize("sender", ["AB", "Mairie Lyon", "Évry", "44000", "Saint-Herbl"])
def test_other_sms_senders_are_refused_in_french_in_one_line(commune, sender):
    commune.sms_sender = sender
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        commune.full_clean(exclude=["site", "coat_of_arms"])
    [message] = refused.value.message_dict["sms_sender"]
    assert message.startswith(f"{sender} ne peut pas être l'expéditeur des SMS")
    assert "\n" not in message


def test_a_sender_address_must_be_an_email_address(commune):
    commune.sender_email = "mairie-at-commune-a.fr"
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        commune.full_clean(exclude=["site", "coat_of_arms"])
    assert refused.value.message_dict["sender_email"] == [
        "Saisissez une adresse de courriel valide."
    ]


def test_the_install_may_limit_sender_domains(commune, settings):
    settings.ECOMMUNE_SENDER_DOMAINS = ["commune-a.fr", "mairies.example.org"]
    for allowed in ("x@commune-a.fr", "x@saint-ebrard.mairies.example.org", "x@COMMUNE-A.FR"):
        commune.sender_email = allowed
        commune.full_clean(exclude=["site", "coat_of_arms"])
    commune.sender_email = "x@evil-commune-a.fr"
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        commune.full_clean(exclude=["site", "coat_of_arms"])
    [message] = refused.value.message_dict["sender_email"]
    assert "commune-a.fr, mairies.example.org" in message
    assert "evil-commune-a.fr" in message
    assert "ECOMMUNE_SENDER_DOMAINS" in message


def test_setting_up_a_commune_again_keeps_the_senders_the_back_office_set(db):
    data = {
        "name": "Saint-Ébrard",
        "insee_code": "44999",
        "postal_codes": "44999",
        "domain": "saint-ebrard.test",
        "sender_email": "ne-pas-repondre@saint-ebrard.fr",
        "sms_sender": "StEbrard",
    }
    commune = setup_commune(CommuneData.from_dict(data), portal_pages=False)
    assert (commune.sender_email, commune.sms_sender) == (
        "ne-pas-repondre@saint-ebrard.fr",
        "StEbrard",
    )
    del data["sender_email"], data["sms_sender"]
    commune = setup_commune(CommuneData.from_dict(data), portal_pages=False)
    assert (commune.sender_email, commune.sms_sender) == (
        "ne-pas-repondre@saint-ebrard.fr",
        "StEbrard",
    )
    with pytest.raises(ValidationError, match="sms_sender"):
        setup_commune(CommuneData.from_dict({**data, "sms_sender": "Saint Ébrard"}))
