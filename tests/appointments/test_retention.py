"""Appointments keep who came no longer than their retention period: the name, email and
phone are erased after it, in every commune, and past queue tickets lose their phone; the
rows stay for the counters' figures."""

import datetime

from django.core.management import call_command
from django.utils import timezone

from ecommune.appointments.models import Booking, QueueTicket
from ecommune.appointments.queue import take_ticket
from ecommune.appointments.retention import forget_past_appointments
from tests.appointments.conftest import at
from tests.appointments.test_reminders import booked


def test_an_appointment_past_its_retention_loses_who_came_and_stays_counted(
    commune, civil, monday, settings
):
    settings.ECOMMUNE_APPOINTMENT_RETENTION_DAYS = 30
    old = booked(civil, at(monday, 9))
    recent = booked(civil, at(monday, 10))
    ticket = take_ticket(civil.counters.get(), phone="06 12 34 56 78")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    QueueTicket.objects.filter(pk=ticket.pk).update(day=yesterday)
    today_ticket = take_ticket(civil.counters.get(), phone="06 98 76 54 32")
    # Today: the ticket of the day keeps its phone (the SMS that calls the resident).
    assert forget_past_appointments() == (0, 1)
    assert QueueTicket.objects.get(pk=today_ticket.pk).phone

    now = old.end + datetime.timedelta(days=30, minutes=10)
    assert recent.end + datetime.timedelta(days=30) > now
    assert forget_past_appointments(now=now) == (1, 1)

    old.refresh_from_db()
    assert (old.first_name, old.last_name, old.email, old.phone, old.user) == ("", "", "", "", None)
    assert old.motive == civil and old.status  # still counted
    recent.refresh_from_db()
    assert recent.email == "camille@example.org"
    assert QueueTicket.objects.get(pk=ticket.pk).phone == ""
    assert QueueTicket.objects.get(pk=today_ticket.pk).phone == ""
    # Nothing left to erase: a second run changes nothing.
    assert forget_past_appointments(now=now)[0] == 0
    assert Booking.objects.count() == 2


def test_the_daily_command_says_what_it_erased(commune, civil, monday, settings, capsys):
    settings.ECOMMUNE_APPOINTMENT_RETENTION_DAYS = 1
    past = booked(civil, at(monday, 9))
    two_weeks = datetime.timedelta(days=14)
    Booking.objects.filter(pk=past.pk).update(
        start=timezone.now() - two_weeks, end=timezone.now() - two_weeks
    )
    call_command("ecommune_forget_appointments")
    out = capsys.readouterr().out
    assert "1 appointment(s) older than 1 days made anonymous" in out
