"""Keeping ANTS's anti-duplicate API told of the appointments each pre-demand number holds.

A booking, a move or a cancellation marks the booking's numbers as due
(``AntsNumber.sync_due_at``) in its own transaction; once it commits, a task brings each
due number in step: the appointment it holds now is declared (``POST /appointments`` with
the link to move it), and the one declared before, if it changed or was cancelled, is
withdrawn (``DELETE /appointments``). ANTS being down never touches the booking: the
number stays due, with the error, and is tried again later with a growing delay (the
``ecommune_ants_sync`` command, run by a timer, and the next change). Only for the
communes that set the API up (``AppointmentSettings.ants_api_url``).
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from ecommune.appointments import ants_api
from ecommune.appointments.models import AntsNumber, BookingStatus

logger = logging.getLogger(__name__)

MAX_DELAY = datetime.timedelta(hours=6)


def mark_due(booking) -> None:
    """In the booking's transaction: its numbers must be brought in step, then do it (only
    when the commune set ANTS's API up)."""
    from ecommune.appointments.services import settings_for

    if not settings_for(booking.commune).ants_api_url:
        return
    if not AntsNumber.objects.filter(booking=booking).update(sync_due_at=timezone.now()):
        return
    booking_id = booking.pk

    def enqueue():
        from ecommune.appointments.tasks import sync_ants_declarations

        sync_ants_declarations.enqueue(booking_id)

    transaction.on_commit(enqueue, robust=True)


def retry_delay(attempts: int) -> datetime.timedelta:
    """2, 4, 8… minutes, at most six hours."""
    return min(datetime.timedelta(minutes=2**attempts), MAX_DELAY)


def _sync(entry, client, now) -> None:
    from ecommune.appointments.ants_hub import meeting_point_name
    from ecommune.appointments.services import manage_urls

    booking = entry.booking
    if booking.start <= now:
        return  # a past appointment: ANTS's own status (consumed…) takes over
    wanted = entry.active and booking.status == BookingStatus.BOOKED
    place = meeting_point_name(booking.counter)
    changed = entry.declared_start != booking.start or entry.declared_meeting_point != place
    if entry.declared_start is not None and (not wanted or changed):
        ants_api.withdraw_appointment(
            client, entry.number, entry.declared_meeting_point, entry.declared_start
        )
        entry.declared_start, entry.declared_meeting_point = None, ""
        entry.save(update_fields=["declared_start", "declared_meeting_point"])
    if wanted and entry.declared_start is None:
        ants_api.declare_appointment(
            client, entry.number, place, booking.start, manage_urls(booking)["move_url"]
        )
        entry.declared_start, entry.declared_meeting_point = booking.start, place
        entry.save(update_fields=["declared_start", "declared_meeting_point"])


def sync_due(booking_id: int | None = None, now=None) -> dict[str, int]:
    """Bring the due numbers (of one booking, or all) in step; returns counts."""
    from ecommune.appointments.services import settings_for

    now = now or timezone.now()
    due = (
        AntsNumber.objects.filter(sync_due_at__lte=now)
        .select_related("booking__counter", "booking__commune__site")
        .order_by("sync_due_at", "pk")
    )
    if booking_id is not None:
        due = due.filter(booking_id=booking_id)
    counts = {"in_step": 0, "failed": 0, "skipped": 0}
    clients = {}
    for entry in due:
        commune = entry.booking.commune
        if commune.pk not in clients:
            clients[commune.pk] = ants_api.client_for(settings_for(commune))
        client = clients[commune.pk]
        if client is None:
            entry.sync_due_at, entry.sync_error = None, ""
            entry.save(update_fields=["sync_due_at", "sync_error"])
            counts["skipped"] += 1
            continue
        try:
            _sync(entry, client, now)
        except ants_api.AntsApiError as error:
            entry.sync_attempts += 1
            entry.sync_due_at = now + retry_delay(entry.sync_attempts)
            entry.sync_error = str(error)[:300]
            entry.save(update_fields=["sync_attempts", "sync_due_at", "sync_error"])
            logger.warning("ANTS declaration of %s failed, tried again later: %s", entry, error)
            counts["failed"] += 1
        else:
            entry.sync_due_at, entry.sync_attempts, entry.sync_error = None, 0, ""
            entry.save(update_fields=["sync_due_at", "sync_attempts", "sync_error"])
            counts["in_step"] += 1
    return counts
