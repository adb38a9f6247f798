"""Brevo's transactional SMS through django-sms, against a local server that answers as
Brevo's documented API does; the outbox keeps and retries what Brevo did not take."""

import datetime
import json
import socket

import pytest
import sms
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from ecommune.core.doctor import ERROR, OK, check_sms
from ecommune.notifications import services
from ecommune.notifications.models import OutboxMessage, Status
from ecommune.notifications.sms_brevo import BrevoError, BrevoRefusal, SmsBackend, needs_unicode
from ecommune.notifications.tasks import retry_due_messages

from .brevo_fake import API_KEY, FakeBrevoServer

BREVO = "ecommune.notifications.sms_brevo.SmsBackend"


@pytest.fixture
def brevo(settings):
    with FakeBrevoServer() as server:
        settings.SMS_BACKEND = BREVO
        settings.BREVO_API_KEY = API_KEY
        settings.BREVO_API_URL = server.url
        settings.BREVO_TIMEOUT = 2
        yield server


def send(body="Votre rendez-vous est confirmé.", to="+33612345678", originator="MAIRIE"):
    return sms.Message(body=body, originator=originator, recipients=[to]).send()


def test_an_sms_is_posted_as_brevo_documents_it(brevo):
    assert send() == 1
    [request] = brevo.requests
    assert request["path"] == "/v3/transactionalSMS/send"
    assert request["headers"]["api-key"] == API_KEY
    assert request["headers"]["content-type"] == "application/json"
    assert request["headers"]["accept"] == "application/json"
    assert json.loads(request["body"]) == {
        "sender": "MAIRIE",
        "recipient": "33612345678",
        "content": "Votre rendez-vous est confirmé.",
        "type": "transactional",
    }


def test_french_characters_outside_the_gsm_alphabet_go_as_unicode(brevo):
    assert not needs_unicode("Votre demande a été enregistrée à la mairie.")
    assert needs_unicode("reçue")  # GSM has Ç, not ç
    assert needs_unicode("Rendez-vous à l’accueil, fenêtre 2 « état civil »")
    send("Rendez-vous à l’accueil, fenêtre 2")
    assert brevo.accepted[0]["unicodeEnabled"] is True


def test_an_overseas_mobile_keeps_its_own_country_code(brevo):
    send(to="0692 12 34 56")
    assert brevo.accepted[0]["recipient"] == "262692123456"


def test_a_wrong_key_is_refused_with_a_line_naming_the_setting(brevo, settings):
    settings.BREVO_API_KEY = "xkeysib-wrong"
    with pytest.raises(
        BrevoError, match=r"\(401, check BREVO_API_KEY\): unauthorized: Key not found"
    ):
        send()
    assert brevo.accepted == []


def test_a_missing_key_is_refused_before_any_call(brevo, settings):
    settings.BREVO_API_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="BREVO_API_KEY is empty"):
        send()
    assert brevo.requests == []


def test_what_brevo_refuses_is_an_error_with_its_code_and_message(brevo):
    with pytest.raises(BrevoRefusal, match=r"400\): invalid_parameter: content is missing"):
        send(body="")
    brevo.plan.append(402)
    with pytest.raises(BrevoError, match="no SMS credit left"):
        send()


def test_a_sender_operators_would_not_show_is_refused_before_any_call(brevo):
    with pytest.raises(BrevoError, match="Sender 'Mairie de Nantes'"):
        send(originator="Mairie de Nantes")
    assert brevo.requests == []


def test_fail_silently_counts_only_what_brevo_took(brevo):
    brevo.plan.append(500)
    backend = SmsBackend(fail_silently=True)
    messages = [sms.Message(body="Bonjour", originator="MAIRIE", recipients=["+33612345678"])]
    assert backend.send_messages(messages) == 0
    assert backend.send_messages(messages) == 1


# Through the outbox ----------------------------------------------------------------------


def later(minutes):
    return time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=True)


def test_the_commune_s_sender_name_goes_with_its_sms(brevo, commune, settings):
    settings.DEFAULT_FROM_SMS = "ECOMMUNE"
    services.queue_sms("06 12 34 56 78", "Bonjour", event="e", commune=commune)
    assert services.send_due_messages() == {Status.SENT: 1}
    commune.sms_sender = "CommuneA"
    commune.save()
    services.queue_sms("06 12 34 56 79", "Bonjour", event="e", commune=commune)
    assert services.send_due_messages() == {Status.SENT: 1}
    assert [sent["sender"] for sent in brevo.accepted] == ["ECOMMUNE", "CommuneA"]


def test_brevo_down_leaves_the_sms_in_the_outbox_then_it_goes_out_once(
    brevo, commune, django_capture_on_commit_callbacks
):
    brevo.plan += [503, 500]
    with django_capture_on_commit_callbacks(execute=True):
        message = services.queue_sms(
            "06 12 34 56 78", "Demande reçue", event="request.acknowledged", commune=commune
        )
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert message.last_error.startswith("BrevoError: Brevo refused the SMS to +33612345678 (503")
    assert brevo.accepted == []

    with later(2):
        assert retry_due_messages.call() == {Status.PENDING: 1}
    with later(10):
        assert retry_due_messages.call() == {Status.SENT: 1}
        assert retry_due_messages.call() == {}
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 3, "")
    assert [sent["content"] for sent in brevo.accepted] == ["Demande reçue"]


def test_what_brevo_refuses_as_such_fails_at_once_and_is_not_tried_all_day(brevo, commune):
    # A 400 (the number or the text refused) gives the same answer to the same call: the
    # SMS fails at once with Brevo's reason, where a 5xx or a 402 is tried again.
    message = services.queue_sms("0612345678", "", event="e", commune=commune)
    assert services.send_due_messages() == {Status.FAILED: 1}
    message.refresh_from_db()
    assert (message.attempts, message.next_attempt_at) == (1, None)
    assert "BrevoRefusal" in message.last_error and "content is missing" in message.last_error
    with later(60 * 24):
        assert services.send_due_messages() == {}
    assert len(brevo.requests) == 1

    brevo.plan.append(402)
    services.queue_sms("0612345679", "Bonjour", event="e", commune=commune)
    assert services.send_due_messages() == {Status.PENDING: 1}


def test_a_brevo_that_does_not_answer_in_time_loses_no_sms(brevo, commune, settings):
    settings.BREVO_TIMEOUT = 0.5
    with socket.socket() as silent:
        # Accepts connections and never answers.
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings.BREVO_API_URL = f"http://127.0.0.1:{silent.getsockname()[1]}/v3"
        message = services.queue_sms("0612345678", "Bonjour", event="e", commune=commune)
        assert services.send_due_messages() == {Status.PENDING: 1}
    message.refresh_from_db()
    assert "Brevo cannot be reached" in message.last_error
    assert "timed out" in message.last_error

    settings.BREVO_API_URL = brevo.url
    with later(2):
        assert services.send_due_messages() == {Status.SENT: 1}
    assert len(brevo.accepted) == 1


def test_a_missing_key_keeps_the_sms_until_the_key_is_set(brevo, commune, settings):
    settings.BREVO_API_KEY = ""
    message = services.queue_sms("0612345678", "Bonjour", event="e", commune=commune)
    assert services.send_due_messages() == {Status.PENDING: 1}
    message.refresh_from_db()
    assert "BREVO_API_KEY is empty" in message.last_error
    settings.BREVO_API_KEY = API_KEY
    with later(2):
        assert services.send_due_messages() == {Status.SENT: 1}
    assert OutboxMessage.unscoped.get().status == Status.SENT


# ecommune doctor ---------------------------------------------------------------------------


def test_doctor_accepts_a_key_brevo_accepts(brevo, db):
    result = check_sms()
    assert (result.status, result.message) == (OK, BREVO)


@pytest.mark.parametrize(
    ("key", "line"),
    [
        ("", "BREVO_API_KEY is empty: set the Brevo account's API key in the site's .env."),
        ("xkeysib-wrong", "Brevo refused BREVO_API_KEY (401)"),
    ],
)
def test_doctor_fails_in_one_line_without_a_key_brevo_accepts(brevo, db, settings, key, line):
    settings.BREVO_API_KEY = key
    result = check_sms()
    assert result.status == ERROR
    assert line in result.message
    assert "\n" not in result.message


def test_doctor_fails_when_brevo_cannot_be_reached(brevo, db, settings):
    settings.BREVO_API_URL = "http://127.0.0.1:9/v3"
    result = check_sms()
    assert result.status == ERROR
    assert "Brevo cannot be reached at http://127.0.0.1:9/v3" in result.message


def test_doctor_fails_on_a_default_sender_operators_would_not_show(brevo, db, settings):
    settings.DEFAULT_FROM_SMS = "Mairie d'ici"
    result = check_sms()
    assert result.status == ERROR
    assert "DEFAULT_FROM_SMS" in result.message
    assert brevo.requests == []
