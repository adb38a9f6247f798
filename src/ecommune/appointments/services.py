"""Booking, moving and cancelling appointments: the only code that changes a booking.

Capacity holds under concurrency because a booking takes its places with a
conditional ``UPDATE … SET booked = booked + 1 WHERE booked < capacity`` on each
``SlotUnit`` it covers, inside the booking's transaction: PostgreSQL re-checks
the condition once the row lock is released, so of two requests racing for the
last place exactly one updates a row; the other rolls back and is offered the
next slots. The slot itself is re-computed from the opening rules on every
booking, so a forged form cannot book a past, closed or non-existent slot.

Residents' links to cancel or move are signed and carry ``link_version``; using
one bumps the version, so a link works once.
"""

import contextlib
import datetime
import secrets

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecommune.appointments import ants_api, ants_declarations, ics
from ecommune.appointments.home import forget_next_slot
from ecommune.appointments.models import (
    AntsNumber,
    AppointmentSettings,
    Booking,
    BookingStatus,
    SlotUnit,
)
from ecommune.appointments.signals import booking_marked
from ecommune.appointments.slots import Slot, find_slot
from ecommune.notifications.rendering import render_notification
from ecommune.notifications.services import queue_email, queue_sms
from ecommune.requests.models import Channel

LINK_SALT = "ecommune.appointments.link"
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
NO_SHOW_WINDOW = datetime.timedelta(days=30)


class BookingError(Exception):
    """A booking that cannot be made; ``message`` is for the resident, ``field`` the form's."""

    def __init__(self, message, field=None, code=""):
        super().__init__(str(message))
        self.message, self.field, self.code = message, field, code


class SlotUnavailable(BookingError):
    def __init__(self):
        super().__init__(
            _("This time is no longer available: please choose another one."),
            field="slot",
            code="slot_unavailable",
        )


class LinkInvalid(Exception):
    """A cancel or move link that is forged, already used, or for a past appointment."""


def settings_for(commune) -> AppointmentSettings:
    return AppointmentSettings.for_site(commune.site)


def booking_window(commune, now=None):
    """The first and last days residents may book, and the minimum notice."""
    config = settings_for(commune)
    now = now or timezone.now()
    today = timezone.localdate(now)
    return (
        today,
        today + datetime.timedelta(weeks=config.horizon_weeks),
        datetime.timedelta(hours=config.min_notice_hours),
    )


def _new_reference() -> str:
    return "RDV-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def recent_no_shows(commune, email: str, now=None) -> int:
    if not email:
        return 0
    now = now or timezone.now()
    return (
        Booking.objects.for_commune(commune)
        .filter(
            email__iexact=email,
            status=BookingStatus.NO_SHOW,
            start__gte=now - NO_SHOW_WINDOW,
        )
        .count()
    )


def check_no_show_rule(commune, email: str, now=None) -> None:
    limit = settings_for(commune).no_show_limit
    if limit and recent_no_shows(commune, email, now) >= limit:
        raise BookingError(
            _("You missed several appointments recently: please call the town hall to book one."),
            code="no_show_limit",
        )


def _take_places(slot: Slot) -> None:
    """One place in each unit of the slot, or SlotUnavailable (the transaction rolls back)."""
    for unit_start, capacity in zip(slot.unit_starts, slot.unit_capacities, strict=True):
        units = SlotUnit.objects.for_commune(slot.counter.commune_id)
        unit, _created = units.get_or_create(counter=slot.counter, start=unit_start)
        taken = units.filter(pk=unit.pk, booked__lt=capacity).update(booked=F("booked") + 1)
        if not taken:
            raise SlotUnavailable()


def _release_places(booking: Booking) -> None:
    step = datetime.timedelta(minutes=max(1, booking.counter.slot_minutes))
    starts = []
    moment = booking.start
    while moment < booking.end:
        starts.append(moment)
        moment += step
    SlotUnit.objects.for_commune(booking.commune_id).filter(
        counter=booking.counter, start__in=starts, booked__gt=0
    ).update(booked=F("booked") - 1)


def _claim_ants_numbers(booking: Booking, numbers: list[str], now) -> None:
    if not numbers:
        return
    # A number whose appointment has passed is free again.
    AntsNumber.objects.filter(number__in=numbers, active=True, booking__end__lte=now).update(
        active=False
    )
    for number in numbers:
        try:
            with transaction.atomic():
                AntsNumber.objects.create(booking=booking, number=number)
        except IntegrityError:
            error = BookingError(
                _(
                    "The pre-demand number %(number)s already has an appointment. Cancel "
                    "that one first, or check the number."
                )
                % {"number": number},
                field="ants_numbers",
                code="ants_taken",
            )
            error.number = number
            raise error from None


def _check_with_ants(commune, numbers: list[str]) -> None:
    """Refuse a number ANTS says cannot be booked (outside any transaction: a network call)."""
    if not numbers:
        return
    for refused in ants_api.refused_numbers(settings_for(commune), numbers):
        if refused.status == ants_api.CONSUMED:
            message = _(
                "The pre-demand number %(number)s was already used: ANTS has received "
                "that request. Check the number on your receipt."
            )
        else:
            message = _(
                "ANTS does not accept the pre-demand number %(number)s for an appointment: "
                "check it on your receipt or make a new pre-demand."
            )
        error = BookingError(
            message % {"number": refused.number}, field="ants_numbers", code="ants_refused"
        )
        error.number = refused.number
        raise error


def book(
    *,
    motive,
    counter_id: int,
    start: datetime.datetime,
    first_name: str,
    last_name: str,
    email: str = "",
    phone: str = "",
    people: int = 1,
    ants_numbers: list[str] | None = None,
    user=None,
    by_agent: bool = False,
    channel: str = Channel.WEB,
    agent=None,
    now=None,
) -> Booking:
    """Book ``motive`` at a counter and time; raises BookingError (SlotUnavailable when taken).

    ``channel`` says how the resident reached the town hall (an agent books for a caller on
    the phone or at the counter) and ``agent`` who booked. The confirmation email (with its
    .ics) is queued in the same transaction; ANTS, when set up, is asked before it.
    """
    commune = motive.commune
    now = now or timezone.now()
    ants_numbers = ants_numbers or []
    if motive.requires_ants_number and len(ants_numbers) != people:
        raise BookingError(
            _("Give one pre-demand number for each person."), field="ants_numbers", code="ants"
        )
    if len(set(ants_numbers)) != len(ants_numbers):
        raise BookingError(
            _("The same pre-demand number is given twice."), field="ants_numbers", code="ants"
        )
    if not 1 <= people <= motive.max_people:
        raise BookingError(_("Too many people for one appointment."), field="people")
    if not by_agent:
        check_no_show_rule(commune, email, now)
    notice = datetime.timedelta(0) if by_agent else booking_window(commune, now)[2]
    _check_with_ants(commune, ants_numbers)
    with transaction.atomic():
        slot = find_slot(motive, counter_id, start, now=now, min_notice=notice)
        if slot is None:
            raise SlotUnavailable()
        _take_places(slot)
        booking = Booking(
            commune=commune,
            motive=motive,
            counter=slot.counter,
            start=slot.start,
            end=slot.end,
            people=people,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            email=email.strip(),
            phone=phone.strip(),
            user=user if user is not None and user.is_authenticated else None,
            booked_by_agent=by_agent,
            channel=channel,
            booked_by=agent if agent is not None and agent.is_authenticated else None,
        )
        for _attempt in range(5):
            booking.reference = _new_reference()
            try:
                with transaction.atomic():
                    booking.save()
                break
            except IntegrityError:
                continue
        _claim_ants_numbers(booking, ants_numbers, now)
        if ants_numbers:
            ants_declarations.mark_due(booking)
        send_confirmation(booking, "appointment.booked")
        forget_next_slot(commune.pk)
    return booking


def move(booking: Booking, counter_id: int, start: datetime.datetime, *, now=None, by_agent=False):
    """Move a booking to another slot of the same motive, keeping it (same reference, same
    event in the resident's calendar) if the new slot is free; the old place is released
    only then."""
    now = now or timezone.now()
    notice = datetime.timedelta(0) if by_agent else booking_window(booking.commune, now)[2]
    with transaction.atomic():
        locked = (
            Booking.objects.for_commune(booking.commune_id).select_for_update().get(pk=booking.pk)
        )
        if locked.status != BookingStatus.BOOKED:
            raise BookingError(_("This appointment is no longer booked."), code="not_booked")
        slot = find_slot(locked.motive, counter_id, start, now=now, min_notice=notice)
        if slot is None or (slot.start == locked.start and slot.counter.pk == locked.counter_id):
            raise SlotUnavailable()
        _take_places(slot)
        _release_places(locked)
        locked.counter, locked.start, locked.end = slot.counter, slot.start, slot.end
        locked.sequence += 1
        locked.link_version += 1
        locked.reminder_sent_at = None
        locked.save()
        ants_declarations.mark_due(locked)
        send_confirmation(locked, "appointment.moved")
        forget_next_slot(locked.commune_id)
    return locked


def cancel(booking: Booking, *, notify_resident: bool = True) -> Booking:
    """Cancel a booking, free its places and its pre-demand numbers, send METHOD:CANCEL."""
    with transaction.atomic():
        locked = (
            Booking.objects.for_commune(booking.commune_id).select_for_update().get(pk=booking.pk)
        )
        if locked.status != BookingStatus.BOOKED:
            return locked
        _release_places(locked)
        locked.status = BookingStatus.CANCELLED
        locked.sequence += 1
        locked.link_version += 1
        locked.save()
        AntsNumber.objects.filter(booking=locked).update(active=False)
        ants_declarations.mark_due(locked)
        forget_next_slot(locked.commune_id)
        if notify_resident:
            send_confirmation(locked, "appointment.cancelled", cancelled=True)
    return locked


def mark(booking: Booking, status: str) -> Booking:
    """An agent marks an appointment as seen or missed (a no-show)."""
    if status not in (BookingStatus.SEEN, BookingStatus.NO_SHOW, BookingStatus.BOOKED):
        raise ValueError(status)
    with transaction.atomic():
        changed = (
            Booking.objects.for_commune(booking.commune_id)
            .filter(pk=booking.pk)
            .exclude(status=status)
            .update(status=status)
        )
        AntsNumber.objects.filter(booking=booking).update(active=status == BookingStatus.BOOKED)
        booking.status = status
        if changed:
            # The survey after an appointment seen listens (ecommune.feedback, a floor above).
            booking_marked.send(sender=Booking, booking=booking, status=status)
    return booking


# Links ----------------------------------------------------------------------------------


def link_token(booking: Booking, action: str) -> str:
    return signing.dumps(
        {"b": booking.pk, "a": action, "v": booking.link_version}, salt=LINK_SALT, compress=True
    )


def booking_for_token(token: str, action: str, *, now=None) -> Booking:
    """The booking a link is for, if the link is genuine, unused and the appointment ahead."""
    try:
        data = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        raise LinkInvalid from None
    if data.get("a") != action:
        raise LinkInvalid
    booking = (
        Booking.objects.select_related("motive", "counter", "commune")
        .filter(pk=data.get("b"))
        .first()
    )
    now = now or timezone.now()
    if (
        booking is None
        or booking.link_version != data.get("v")
        or booking.status != BookingStatus.BOOKED
        or booking.start <= now
    ):
        raise LinkInvalid
    return booking


def manage_urls(booking: Booking, absolute: bool = True) -> dict[str, str]:
    paths = {
        "cancel_url": reverse("ecommune_appointments:cancel", args=[link_token(booking, "cancel")]),
        "move_url": reverse("ecommune_appointments:move", args=[link_token(booking, "move")]),
    }
    if absolute:
        return {key: booking.commune.public_url(path) for key, path in paths.items()}
    return paths


# Messages -------------------------------------------------------------------------------


def message_context(booking: Booking) -> dict:
    local_start = timezone.localtime(booking.start)
    return {
        "reference": booking.reference,
        "resident_name": booking.full_name,
        "motive": booking.motive.name,
        "date": local_start.date(),
        "time": local_start.time(),
        "counter": booking.counter.name,
        "location": booking.counter.location,
        "address": " ".join(
            part
            for part in (
                booking.commune.street_address,
                booking.commune.address_postal_code,
                booking.commune.address_city,
            )
            if part
        ),
        "instructions": booking.motive.instructions,
        "people": booking.people,
        "ants_numbers": ", ".join(n.number for n in booking.ants_numbers.all()),
        **(manage_urls(booking) if booking.status == BookingStatus.BOOKED else {}),
    }


def send_confirmation(booking: Booking, event: str, *, cancelled: bool = False) -> None:
    """Queue the email of ``event`` with the booking's .ics (METHOD:CANCEL when cancelled)."""
    if not booking.email:
        return
    rendered = render_notification(event, "email", booking.commune, message_context(booking))
    queue_email(
        booking.email,
        rendered.subject,
        rendered.body,
        html_body=rendered.html_body,
        event=event,
        commune=booking.commune,
        related_reference=booking.reference,
        idempotency_key=f"{booking.commune_id}:{event}:{booking.reference}:{booking.sequence}",
        attachments=[ics.booking_attachment(booking, cancelled=cancelled)],
    )


def send_reminder(booking: Booking) -> bool:
    """Queue the day-before reminder by email and, with a mobile, by SMS; once per slot."""
    context = message_context(booking)
    key = f"{booking.commune_id}:appointment.reminder:{booking.reference}:{booking.sequence}"
    with transaction.atomic():
        updated = (
            Booking.objects.for_commune(booking.commune_id)
            .filter(pk=booking.pk, reminder_sent_at__isnull=True, status=BookingStatus.BOOKED)
            .update(reminder_sent_at=timezone.now())
        )
        if not updated:
            return False
        if booking.email:
            rendered = render_notification(
                "appointment.reminder", "email", booking.commune, context
            )
            queue_email(
                booking.email,
                rendered.subject,
                rendered.body,
                event="appointment.reminder",
                commune=booking.commune,
                related_reference=booking.reference,
                idempotency_key=f"{key}:email",
                attachments=[ics.booking_attachment(booking)],
            )
        if booking.phone:
            rendered = render_notification("appointment.reminder", "sms", booking.commune, context)
            # A landline gets no SMS; the email went.
            with contextlib.suppress(ValidationError):
                queue_sms(
                    booking.phone,
                    rendered.body,
                    event="appointment.reminder",
                    commune=booking.commune,
                    related_reference=booking.reference,
                    idempotency_key=f"{key}:sms",
                )
    return True


def due_reminders(now=None):
    """The current commune's booked appointments of tomorrow (local time) not reminded yet."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(tomorrow, datetime.time.min, tzinfo=tz)
    return Booking.objects.filter(
        status=BookingStatus.BOOKED,
        reminder_sent_at__isnull=True,
        start__gte=start,
        start__lt=start + datetime.timedelta(days=1),
    ).select_related("commune__site", "motive", "counter")


def send_due_reminders(now=None) -> int:
    """Queue tomorrow's reminders, commune by commune; returns how many were queued."""
    from ecommune.core.tenancy import each_commune

    sent = 0
    for _commune in each_commune():
        for booking in due_reminders(now):
            sent += send_reminder(booking)
    return sent
