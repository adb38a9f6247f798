"""Reminders the day before, through the outbox; a provider down never touches the booking."""

import datetime

import sms
from django.core.management import call_command
from sms.backends.base import BaseSmsBackend

from ecommune.appointments import services
from ecommune.appointments.models import Booking, BookingStatus
from ecommune.notifications.models import OutboxMessage, Status
from ecommune.notifications.services import send_due_messages
from tests.appointments.conftest import at

BEFORE = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


class DownSmsBackend(BaseSmsBackend):
    def send_messages(self, messages):
        raise ConnectionError("SMS provider unreachable")


def booked(motive, start, **extra):
    return services.book(
        motive=motive,
        counter_id=motive.counters.get().pk,
        start=start,
        first_name="Camille",
        last_name="Martin",
        email="camille@example.org",
        phone="06 12 34 56 78",
        now=BEFORE,
        **extra,
    )


def test_tomorrows_appointments_get_one_reminder_by_email_and_sms(commune, civil, monday):
    tomorrow = booked(civil, at(monday, 9))
    booked(civil, at(monday + datetime.timedelta(days=1), 9))  # the day after: not yet
    evening_before = at(monday - datetime.timedelta(days=1), 18)
    assert services.send_due_reminders(now=evening_before) == 1
    assert services.send_due_reminders(now=evening_before) == 0
    messages = OutboxMessage.unscoped.filter(event="appointment.reminder")
    assert sorted(messages.values_list("channel", flat=True)) == ["email", "sms"]
    text = messages.get(channel="sms").body
    assert "demain à 9 h 00" in text and tomorrow.reference in text
    assert messages.get(channel="email").attachments[0]["filename"].endswith(".ics")


def test_a_moved_appointment_is_reminded_again(commune, civil, monday):
    booking = booked(civil, at(monday, 9))
    services.send_due_reminders(now=at(monday - datetime.timedelta(days=1), 18))
    services.move(
        booking, booking.counter_id, at(monday + datetime.timedelta(days=1), 9), now=BEFORE
    )
    assert services.send_due_reminders(now=at(monday, 18)) == 1


def test_cancelled_appointments_get_no_reminder(commune, civil, monday):
    services.cancel(booked(civil, at(monday, 9)))
    assert services.send_due_reminders(now=at(monday - datetime.timedelta(days=1), 18)) == 0


def test_the_sms_provider_down_retries_and_the_booking_stands(
    commune, civil, monday, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = f"{__name__}.DownSmsBackend"
    booking = booked(civil, at(monday, 9))
    with django_capture_on_commit_callbacks(execute=True):
        services.send_due_reminders(now=at(monday - datetime.timedelta(days=1), 18))
    message = OutboxMessage.unscoped.get(event="appointment.reminder", channel="sms")
    assert message.status == Status.PENDING and message.attempts == 1
    assert "unreachable" in message.last_error
    assert Booking.unscoped.get(pk=booking.pk).status == BookingStatus.BOOKED
    settings.SMS_BACKEND = "sms.backends.locmem.SmsBackend"
    sms.outbox = []
    OutboxMessage.unscoped.filter(pk=message.pk).update(next_attempt_at=BEFORE)
    send_due_messages()
    message.refresh_from_db()
    assert message.status == Status.SENT and len(sms.outbox) == 1


def test_the_command_queues_tomorrows_reminders(commune, civil, capsys):
    from django.utils import timezone

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    Booking.unscoped.create(
        commune=commune,
        reference="RDV-TEST01",
        motive=civil,
        counter=civil.counters.get(),
        start=at(tomorrow, 10),
        end=at(tomorrow, 10, 15),
        first_name="Camille",
        last_name="Martin",
        email="camille@example.org",
    )
    call_command("ecommune_appointment_reminders")
    assert capsys.readouterr().out.strip() == "1 reminder(s) queued."
    assert OutboxMessage.unscoped.filter(event="appointment.reminder").count() == 1
