"""The outbox: written in the caller's transaction, sent once, retried with backoff."""

import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from sms.backends.base import BaseSmsBackend

from ecommune.core import tenancy
from ecommune.notifications import services
from ecommune.notifications.models import Channel, OutboxMessage, Status
from ecommune.notifications.tasks import retry_due_messages, send_outbox_message

from .conftest import free_port, use_smtp_server


class FailingSmsBackend(BaseSmsBackend):
    """An SMS provider that is down."""

    def send_messages(self, messages):
        raise ConnectionError("SMS provider unreachable")


FAILING_SMS_BACKEND = f"{__name__}.FailingSmsBackend"


def email(commune, **extra):
    extra.setdefault("related_reference", "EC-2026-4F7K9")
    return services.queue_email(
        "camille@example.org",
        "Demande EC-2026-4F7K9 reçue",
        "Bonjour,\nnous avons bien reçu votre demande.",
        event="request.acknowledged",
        commune=commune,
        **extra,
    )


def later(minutes):
    return time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=True)


def test_queueing_in_a_rolled_back_transaction_leaves_nothing_and_sends_nothing(
    commune, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        email(commune)
        raise RuntimeError("the change that caused the message failed")
    assert callbacks == []
    assert not OutboxMessage.unscoped.exists()
    assert mail.outbox == []


def test_a_binary_attachment_waits_in_the_outbox_and_leaves_with_the_email_unchanged(
    commune, django_capture_on_commit_callbacks
):
    """A PDF (bytes) is kept in the outbox's JSON in base64 and sent as the same bytes, beside
    a text attachment kept as it is."""
    pdf = b"%PDF-1.4\n\x00\xff\xfe binary \x80\n%%EOF\n"
    ics = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    with django_capture_on_commit_callbacks(execute=True):
        message = email(
            commune,
            attachments=[
                {"filename": "arrete.pdf", "mimetype": "application/pdf", "content": pdf},
                {"filename": "rdv.ics", "mimetype": "text/calendar", "content": ics},
            ],
        )
    stored = OutboxMessage.unscoped.get(pk=message.pk).attachments
    assert "content" not in stored[0] and stored[0]["content_base64"]
    assert stored[1]["content"] == ics
    [sent] = mail.outbox
    assert sent.attachments[0] == ("arrete.pdf", pdf, "application/pdf")
    assert sent.attachments[1][:2] == ("rdv.ics", ics)


def test_a_message_is_sent_only_after_the_transaction_commits(
    commune, django_capture_on_commit_callbacks
):
    commune.contact_email = "mairie@commune-a.test"
    commune.save()
    with django_capture_on_commit_callbacks(execute=True):
        message = email(commune)
        assert mail.outbox == []
        assert message.status == Status.PENDING
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 1, "")
    assert message.sent_at is not None and message.next_attempt_at is None
    [sent] = mail.outbox
    assert sent.to == ["camille@example.org"]
    assert sent.from_email == "Commune-A <ne-pas-repondre@ecommune.localhost>"
    assert sent.reply_to == ["mairie@commune-a.test"]
    assert sent.extra_headers["Auto-Submitted"] == "auto-generated"


def test_a_message_is_sent_once_even_if_the_task_runs_twice(
    commune, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = email(commune)
    send_outbox_message.enqueue(message.pk)
    assert services.deliver(message.pk) == Status.SENT
    assert len(mail.outbox) == 1


def test_the_same_event_about_the_same_thing_is_queued_once(
    commune, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = email(commune)
        second = email(commune)
        other = email(commune, related_reference="EC-2026-ZZZZZ")
    assert first.pk == second.pk != other.pk
    assert OutboxMessage.unscoped.count() == 2
    assert len(mail.outbox) == 2


def test_an_explicit_idempotency_key_lets_an_event_repeat(commune):
    first = email(commune, idempotency_key="request-event:1")
    second = email(commune, idempotency_key="request-event:2")
    again = email(commune, idempotency_key="request-event:2")
    assert first.pk != second.pk == again.pk


@pytest.mark.outside_commune
def test_a_message_queued_inside_a_commune_belongs_to_it(commune, other_commune):
    with tenancy.using(other_commune):
        message = services.queue_sms("06 12 34 56 78", "Bonjour", event="request.acknowledged")
    assert message.commune == other_commune
    with pytest.raises(ValueError, match="commune"):
        services.queue_sms("06 12 34 56 78", "Bonjour", event="request.acknowledged")


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("07.12.34.56.78", "+33712345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("0692 12 34 56", "+262692123456"),
        ("0696123456", "+596696123456"),
        ("+262 692 12 34 56", "+262692123456"),
    ],
)
def test_sms_numbers_are_stored_in_the_international_form(commune, typed, e164):
    message = services.queue_sms(typed, "Bonjour", event="request.acknowledged", commune=commune)
    assert message.recipient == e164


@pytest.mark.parametrize("typed", ["02 40 41 00 00", "0612", "not a number", ""])
def test_what_is_not_a_french_mobile_is_refused(commune, typed):
    with pytest.raises(ValidationError):
        services.queue_sms(typed, "Bonjour", event="request.acknowledged", commune=commune)
    assert not OutboxMessage.unscoped.exists()


def test_an_invalid_email_address_is_refused(commune):
    with pytest.raises(ValidationError):
        services.queue_email("camille@", "Objet", "Texte", event="x", commune=commune)


@pytest.mark.parametrize(
    ("failures", "minutes"), [(1, 1), (2, 5), (3, 15), (4, 60), (5, 240), (6, 240), (7, 240)]
)
def test_backoff_delays_are_1_5_15_60_then_240_minutes(failures, minutes):
    assert services.backoff_delay(failures) == datetime.timedelta(minutes=minutes)


def test_backoff_and_attempts_follow_the_settings(commune, settings):
    settings.ECOMMUNE_NOTIFICATION_BACKOFF_MINUTES = [2, 10]
    settings.ECOMMUNE_NOTIFICATION_MAX_ATTEMPTS = 3
    settings.SMS_BACKEND = FAILING_SMS_BACKEND
    message = services.queue_sms("0612345678", "Bonjour", event="e", commune=commune)
    started = timezone.now()
    expected = [(Status.PENDING, 2), (Status.PENDING, 10), (Status.FAILED, None)]
    for attempt, (status, delay) in enumerate(expected, start=1):
        with time_machine.travel(started + datetime.timedelta(hours=attempt), tick=False):
            assert services.deliver(message.pk) == status
            message.refresh_from_db()
            assert message.attempts == attempt
            if delay is None:
                assert message.next_attempt_at is None
            else:
                assert message.next_attempt_at == timezone.now() + datetime.timedelta(minutes=delay)


def test_a_refusing_smtp_server_leaves_the_message_then_it_goes_out_once(
    commune, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = email(commune)
    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert message.attempts == 1
    assert "451" in message.last_error and "try later" in message.last_error
    assert message.next_attempt_at > timezone.now()
    assert smtp_server.received == []

    # Not due yet: the retry command leaves it alone.
    smtp_server.refuse = False
    call_command("ecommune_send_outbox", verbosity=0)
    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert smtp_server.received == []

    with later(2):
        call_command("ecommune_send_outbox", verbosity=0)
        call_command("ecommune_send_outbox", verbosity=0)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 2, "")
    [received] = smtp_server.received
    assert received.rcpt_tos == ["camille@example.org"]
    assert b"Demande EC-2026-4F7K9" in received.content or b"EC-2026-4F7K9" in received.content


def test_a_mailbox_the_server_refuses_for_good_fails_at_once_and_can_be_sent_again(
    commune, smtp_server, django_capture_on_commit_callbacks
):
    # « 550 no such user » will not change in a day: eight attempts would only delay the
    # agent who must find the resident's right address.
    smtp_server.refuse = False
    smtp_server.unknown.add("camille@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        message = email(commune)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (Status.FAILED, 1, None)
    assert "550" in message.last_error and "no such user" in message.last_error
    with later(60 * 24):
        call_command("ecommune_send_outbox", verbosity=0)
    message.refresh_from_db()
    assert message.attempts == 1 and smtp_server.received == []

    smtp_server.unknown.clear()  # the mailbox exists again: an agent sends it again
    with django_capture_on_commit_callbacks(execute=True):
        assert services.retry_message(message)
    message.refresh_from_db()
    assert message.status == Status.SENT and len(smtp_server.received) == 1


def test_an_unreachable_smtp_server_leaves_the_message_pending(
    commune, settings, django_capture_on_commit_callbacks
):
    use_smtp_server(settings, "127.0.0.1", free_port())  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        message = email(commune)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert message.last_error


def test_an_sms_provider_failure_is_retried_and_one_sms_goes_out(
    commune, settings, sms_outbox, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = FAILING_SMS_BACKEND
    with django_capture_on_commit_callbacks(execute=True):
        message = services.queue_sms(
            "06 12 34 56 78", "Demande reçue", event="request.acknowledged", commune=commune
        )
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert message.last_error == "ConnectionError: SMS provider unreachable"

    settings.SMS_BACKEND = "sms.backends.locmem.SmsBackend"
    with later(2):
        assert retry_due_messages.call() == {Status.SENT: 1}
        assert retry_due_messages.call() == {}
    message.refresh_from_db()
    assert message.status == Status.SENT
    [sent] = sms_outbox
    assert sent.recipients == ["+33612345678"]
    assert sent.body == "Demande reçue"


def test_after_the_last_attempt_the_message_fails_and_a_retry_puts_it_back(
    commune, settings, sms_outbox, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = FAILING_SMS_BACKEND
    message = services.queue_sms("0612345678", "Bonjour", event="e", commune=commune)
    with time_machine.travel(timezone.now(), tick=True) as clock:
        for _ in range(services.max_attempts()):
            services.send_due_messages()
            clock.shift(datetime.timedelta(hours=5))
        services.send_due_messages()
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.attempts == services.DEFAULT_MAX_ATTEMPTS == 8
    assert message.next_attempt_at is None
    assert not services.due_messages().exists()

    settings.SMS_BACKEND = "sms.backends.locmem.SmsBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.retry_message(message)
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert len(sms_outbox) == 1
    assert not services.retry_message(message)


def test_a_message_abandoned_by_a_dead_worker_is_sent_after_its_lease(commune):
    message = email(commune)
    now = timezone.now()
    OutboxMessage.unscoped.filter(pk=message.pk).update(
        status=Status.SENDING, next_attempt_at=now + services.sending_timeout()
    )
    assert services.send_due_messages() == {}
    assert mail.outbox == []
    with later(services.DEFAULT_SENDING_TIMEOUT // 60 + 1):
        assert services.send_due_messages() == {Status.SENT: 1}
    assert len(mail.outbox) == 1


def test_the_command_reports_what_it_sent(commune, capsys):
    email(commune)
    call_command("ecommune_send_outbox")
    assert "sent: 1" in capsys.readouterr().out


@pytest.mark.skipif(
    not connection.features.has_select_for_update_skip_locked,
    reason="row locks: PostgreSQL only",
)
@pytest.mark.django_db(transaction=True)
def test_a_message_locked_by_another_worker_is_skipped(commune):
    # Written directly: queueing would send it at once (autocommit, immediate tasks).
    message = OutboxMessage.unscoped.create(
        commune=commune,
        channel=Channel.EMAIL,
        recipient="camille@example.org",
        subject="Objet",
        body="Texte",
        event="request.acknowledged",
        idempotency_key="locked",
    )
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                OutboxMessage.unscoped.select_for_update().get(pk=message.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=other_worker)
    worker.start()
    try:
        assert locked.wait(10)
        assert services.deliver(message.pk) == Status.PENDING
        assert mail.outbox == []
    finally:
        release.set()
        worker.join()
    assert services.deliver(message.pk) == Status.SENT
    assert len(mail.outbox) == 1
