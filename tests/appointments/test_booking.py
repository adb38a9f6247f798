"""Booking, moving and cancelling: capacity, forged slots, ANTS numbers, .ics, single-use links."""

import datetime

import pytest

from ecommune.appointments import services
from ecommune.appointments.models import AntsNumber, Booking, BookingStatus, Closure, SlotUnit
from ecommune.core import tenancy
from ecommune.notifications.models import OutboxMessage
from tests.appointments.conftest import at

BEFORE = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


def book(motive, start, n=0, **extra):
    fields = {
        "motive": motive,
        "counter_id": motive.counters.get().pk,
        "start": start,
        "first_name": "Camille",
        "last_name": f"Martin{n}",
        "email": f"camille{n}@example.org",
        "now": BEFORE,
    }
    if motive.requires_ants_number and "ants_numbers" not in extra:
        extra["ants_numbers"] = [f"ABCDE{n:05d}"]
    return services.book(**{**fields, **extra})


def test_a_slot_takes_as_many_bookings_as_agents_on_duty(commune, civil, monday):
    book(civil, at(monday, 9), 1)
    book(civil, at(monday, 9), 2)
    with pytest.raises(services.SlotUnavailable):
        book(civil, at(monday, 9), 3)
    # One agent in the afternoon.
    book(civil, at(monday, 14), 4)
    with pytest.raises(services.SlotUnavailable):
        book(civil, at(monday, 14), 5)
    assert Booking.unscoped.count() == 3


@pytest.mark.parametrize(
    "hour,minute",
    [(12, 0), (8, 40), (7, 0), (12, 30), (17, 0)],
    ids=["lunch", "off-grid", "before-opening", "closed-lunch", "closing"],
)
def test_a_forged_time_outside_the_opening_hours_is_refused(commune, civil, monday, hour, minute):
    with pytest.raises(services.SlotUnavailable):
        book(civil, at(monday, hour, minute))


def test_a_past_slot_or_a_closed_day_is_refused(commune, civil, monday):
    with pytest.raises(services.SlotUnavailable):
        book(civil, at(monday, 9), now=at(monday, 9, 30))
    with tenancy.using(commune):
        Closure.objects.create(starts_on=monday, ends_on=monday, reason="Élections")
    with pytest.raises(services.SlotUnavailable):
        book(civil, at(monday, 10))
    assert not Booking.unscoped.exists()


def test_an_unknown_counter_is_refused(commune, civil, monday):
    with pytest.raises(services.SlotUnavailable):
        book(civil, at(monday, 9), counter_id=civil.counters.get().pk + 999)


def test_the_confirmation_email_carries_the_ics(commune, passport, monday):
    booking = book(passport, at(monday, 9), ants_numbers=["7A2B9C4D1E"])
    assert booking.reference.startswith("RDV-") and booking.end == at(monday, 9, 30)
    message = OutboxMessage.unscoped.get(event="appointment.booked")
    assert message.recipient == "camille0@example.org"
    assert "Photo d'identité" in message.body
    assert "7A2B9C4D1E" in message.body
    assert "/rendez-vous/annuler/" in message.body and "/rendez-vous/deplacer/" in message.body
    (attachment,) = message.attachments
    assert attachment["filename"].endswith(".ics")
    content = attachment["content"]
    assert "METHOD:PUBLISH" in content
    assert f"UID:{booking.reference}@ecommune" in content
    assert f"DTSTART:{at(monday, 9).astimezone(datetime.UTC):%Y%m%dT%H%M%S}Z" in content
    # The outbox sends it as a real attachment.
    from django.core import mail

    from ecommune.notifications.services import deliver

    deliver(message.pk)
    (sent,) = mail.outbox
    ((name, body, mimetype),) = sent.attachments
    assert name == attachment["filename"] and mimetype == "text/calendar"


def test_ants_numbers_hold_one_future_appointment_install_wide(
    commune, other_commune, passport, monday
):
    first = book(passport, at(monday, 9), 1, ants_numbers=["7A2B9C4D1E"])
    with pytest.raises(services.BookingError) as error:
        book(passport, at(monday, 10), 2, ants_numbers=["7A2B9C4D1E"])
    assert error.value.code == "ants_taken" and error.value.number == "7A2B9C4D1E"
    # Another commune's counter refuses it too.
    from ecommune.appointments.models import Counter, Motive

    with tenancy.using(other_commune):
        counter = Counter.objects.create(name="CNI")
        counter.add_weekly_opening([0], datetime.time(9), datetime.time(12))
        other = Motive.objects.create(name="CNI", slug="cni", requires_ants_number=True)
        other.counters.add(counter)
        with pytest.raises(services.BookingError):
            book(other, at(monday, 9), 3, ants_numbers=["7A2B9C4D1E"])
    services.cancel(first)
    book(passport, at(monday, 10), 4, ants_numbers=["7A2B9C4D1E"])
    assert AntsNumber.objects.filter(number="7A2B9C4D1E", active=True).count() == 1


def test_one_number_per_person(commune, passport, monday):
    with pytest.raises(services.BookingError):
        book(passport, at(monday, 9), people=2, ants_numbers=["7A2B9C4D1E"])
    booking = book(passport, at(monday, 9), people=2, ants_numbers=["7A2B9C4D1E", "8B3C0D5E2F"])
    assert booking.people == 2
    with pytest.raises(services.BookingError):
        book(passport, at(monday, 10), people=2, ants_numbers=["1111111111", "1111111111"])


def test_cancelling_frees_the_place_and_sends_method_cancel(commune, civil, monday):
    booking = book(civil, at(monday, 14))
    with pytest.raises(services.SlotUnavailable):
        book(civil, at(monday, 14), 2)
    services.cancel(booking)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert SlotUnit.unscoped.get(start=at(monday, 14)).booked == 0
    message = OutboxMessage.unscoped.get(event="appointment.cancelled")
    content = message.attachments[0]["content"]
    assert "METHOD:CANCEL" in content and "STATUS:CANCELLED" in content
    assert "SEQUENCE:1" in content and f"UID:{booking.reference}@ecommune" in content
    book(civil, at(monday, 14), 2)


def test_moving_keeps_the_booking_and_its_place_until_the_new_one_is_taken(commune, civil, monday):
    booking = book(civil, at(monday, 14))
    blocker = book(civil, at(monday, 15), 2)
    with pytest.raises(services.SlotUnavailable):
        services.move(booking, booking.counter_id, at(monday, 15), now=BEFORE)
    booking.refresh_from_db()
    assert booking.start == at(monday, 14) and booking.status == BookingStatus.BOOKED
    moved = services.move(booking, booking.counter_id, at(monday, 16), now=BEFORE)
    assert moved.pk == booking.pk and moved.reference == booking.reference
    assert moved.start == at(monday, 16) and moved.sequence == 1
    assert SlotUnit.unscoped.get(start=at(monday, 14)).booked == 0
    assert SlotUnit.unscoped.get(start=at(monday, 16)).booked == 1
    message = OutboxMessage.unscoped.get(event="appointment.moved")
    assert "SEQUENCE:1" in message.attachments[0]["content"]
    assert blocker.start == at(monday, 15)


def test_links_are_signed_and_work_once(commune, civil, monday):
    booking = book(civil, at(monday, 14))
    token = services.link_token(booking, "cancel")
    assert services.booking_for_token(token, "cancel") == booking
    with pytest.raises(services.LinkInvalid):
        services.booking_for_token(token, "move")
    with pytest.raises(services.LinkInvalid):
        services.booking_for_token(token[:-2] + "xx", "cancel")
    move_token = services.link_token(booking, "move")
    services.move(booking, booking.counter_id, at(monday, 15), now=BEFORE)
    # Moving used the move link and retired every earlier link.
    for old, action in ((token, "cancel"), (move_token, "move")):
        with pytest.raises(services.LinkInvalid):
            services.booking_for_token(old, action)


def test_two_no_shows_in_a_month_ask_to_call(commune, civil, monday):
    for n in range(2):
        services.mark(book(civil, at(monday, 9 + n), email="absent@example.org"), "no_show")
    with pytest.raises(services.BookingError) as error:
        book(civil, at(monday, 11), email="absent@example.org", now=at(monday, 8))
    assert error.value.code == "no_show_limit"
    # An agent may still book for them (at the counter, on the phone).
    book(civil, at(monday, 11), email="absent@example.org", now=at(monday, 8), by_agent=True)
