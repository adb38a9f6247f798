"""The live queue at a counter: tickets, desks calling the next one, the estimated wait.

Estimated wait for someone who takes a ticket now::

    wait = ceil(people waiting / open desks) × typical service time

The typical service time is the median of the last 15 services finished at the
counter today (from "called" to the next call or the end of service), blended
with a default of 10 minutes while there are fewer than 5 of them: a median
moves little when one service is unusually long or short, so the figure does
not jump from one ticket to the next. With no desk open the wait is unknown
(None), never a made-up figure.
"""

import math
import statistics

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from ecommune.appointments.models import Desk, QueueTicket, TicketStatus
from ecommune.notifications.rendering import render_notification
from ecommune.notifications.services import queue_sms

DEFAULT_SERVICE_MINUTES = 10.0
SAMPLES = 15
FULL_CONFIDENCE = 5
NOTIFY_AHEAD = 3


def take_ticket(counter, phone: str = "") -> QueueTicket:
    """The next number of the day at this counter (unique even when two take one at once)."""
    today = timezone.localdate()
    for _attempt in range(10):
        last = (
            QueueTicket.objects.filter(counter=counter, day=today).aggregate(n=Max("number"))["n"]
            or 0
        )
        try:
            with transaction.atomic():
                return QueueTicket.objects.create(
                    commune_id=counter.commune_id,
                    counter=counter,
                    day=today,
                    number=last + 1,
                    phone=phone,
                )
        except IntegrityError:
            continue
    raise RuntimeError("Could not number a ticket")


def _blend(durations: list[float]) -> float:
    if not durations:
        return DEFAULT_SERVICE_MINUTES
    median = statistics.median(durations)
    weight = min(len(durations), FULL_CONFIDENCE) / FULL_CONFIDENCE
    return weight * median + (1 - weight) * DEFAULT_SERVICE_MINUTES


def typical_service_minutes(counter, now=None) -> float:
    now = now or timezone.now()
    return _blend(
        [
            (finished - called).total_seconds() / 60
            for called, finished in QueueTicket.objects.filter(
                counter=counter,
                day=timezone.localdate(now),
                status=TicketStatus.DONE,
                called_at__isnull=False,
                finished_at__isnull=False,
            )
            .order_by("-finished_at")
            .values_list("called_at", "finished_at")[:SAMPLES]
        ]
    )


def estimated_wait(people_ahead: int, open_desks: int, service_minutes: float) -> int | None:
    """Minutes, rounded up to 5; 0 when nobody is ahead; None when no desk is open."""
    if open_desks <= 0:
        return None
    if people_ahead <= 0:
        return 0
    minutes = math.ceil(people_ahead / open_desks) * service_minutes
    return int(math.ceil(minutes / 5) * 5)


def counter_statuses(counters, now=None) -> list[dict]:
    """The public figures of several counters in four queries, whatever their number: the
    home page, the overview, the JSON endpoint and the widget show the same estimate."""
    counters = list(counters)
    if not counters:
        return []
    now = now or timezone.now()
    today = timezone.localdate(now)
    ids = [counter.pk for counter in counters]
    tickets = QueueTicket.objects.filter(counter_id__in=ids, day=today)
    waiting = dict(
        tickets.filter(status=TicketStatus.WAITING)
        .values("counter_id")
        .annotate(n=Count("pk"))
        .values_list("counter_id", "n")
    )
    open_desks = dict(
        Desk.objects.filter(counter_id__in=ids, is_open=True)
        .values("counter_id")
        .annotate(n=Count("pk"))
        .values_list("counter_id", "n")
    )
    durations: dict[int, list[float]] = {}
    called: dict[int, list[dict]] = {}
    # Today's served and called tickets: a few hundred rows at most per counter and day.
    for counter_id, status, number, desk, called_at, finished_at in (
        tickets.filter(status__in=[TicketStatus.DONE, TicketStatus.CALLED])
        .order_by("-finished_at", "-called_at")
        .values_list("counter_id", "status", "number", "desk__name", "called_at", "finished_at")
    ):
        if status == TicketStatus.DONE and called_at and finished_at:
            samples = durations.setdefault(counter_id, [])
            if len(samples) < SAMPLES:
                samples.append((finished_at - called_at).total_seconds() / 60)
        elif status == TicketStatus.CALLED:
            called.setdefault(counter_id, []).append(
                {"number": number, "desk": desk or "", "at": called_at}
            )
    statuses = []
    for counter in counters:
        service = _blend(durations.get(counter.pk, []))
        latest = sorted(called.get(counter.pk, []), key=lambda c: c["at"] or now, reverse=True)[:5]
        statuses.append(
            {
                "counter": counter,
                "waiting": waiting.get(counter.pk, 0),
                "open_desks": open_desks.get(counter.pk, 0),
                "service_minutes": round(service, 1),
                "wait_minutes": estimated_wait(
                    waiting.get(counter.pk, 0), open_desks.get(counter.pk, 0), service
                ),
                "called": [{"number": c["number"], "desk": c["desk"]} for c in latest],
            }
        )
    return statuses


def counter_status(counter, now=None) -> dict:
    """The public figures of one counter."""
    return counter_statuses([counter], now)[0]


def ticket_status(ticket) -> dict:
    ahead = QueueTicket.objects.filter(
        counter=ticket.counter_id,
        day=ticket.day,
        status=TicketStatus.WAITING,
        number__lt=ticket.number,
    ).count()
    open_desks = Desk.objects.filter(counter=ticket.counter_id, is_open=True).count()
    return {
        "ahead": ahead,
        "wait_minutes": estimated_wait(
            ahead + 1, open_desks, typical_service_minutes(ticket.counter)
        )
        if ticket.status == TicketStatus.WAITING
        else None,
        "open_desks": open_desks,
    }


def set_desk_open(desk, is_open: bool) -> None:
    Desk.objects.filter(pk=desk.pk).update(is_open=is_open)
    desk.is_open = is_open
    if not is_open:
        _finish_current(desk, timezone.now())


def _finish_current(desk, now) -> None:
    QueueTicket.objects.filter(desk=desk, status=TicketStatus.CALLED).update(
        status=TicketStatus.DONE, finished_at=now
    )


def call_next(desk, now=None) -> QueueTicket | None:
    """End the desk's current ticket and call the next waiting one (None if nobody waits).

    Two desks calling at once never get the same ticket: the row is locked and skipped
    by the other on PostgreSQL, and the status update is conditional everywhere.
    """
    now = now or timezone.now()
    with transaction.atomic():
        _finish_current(desk, now)
        if not desk.is_open:
            Desk.objects.filter(pk=desk.pk).update(is_open=True)
            desk.is_open = True
        for _attempt in range(5):
            queryset = QueueTicket.objects.filter(
                counter=desk.counter_id, day=timezone.localdate(now), status=TicketStatus.WAITING
            ).order_by("number")
            if connection.features.has_select_for_update_skip_locked:
                queryset = queryset.select_for_update(skip_locked=True)
            ticket = queryset.first()
            if ticket is None:
                return None
            claimed = QueueTicket.objects.filter(pk=ticket.pk, status=TicketStatus.WAITING).update(
                status=TicketStatus.CALLED, desk=desk, called_at=now
            )
            if claimed:
                ticket.status, ticket.desk, ticket.called_at = TicketStatus.CALLED, desk, now
                _notify_near(desk.counter, ticket)
                return ticket
    return None


def _notify_near(counter, called) -> None:
    """Text the person who now has NOTIFY_AHEAD people before them, if they asked."""
    waiting = list(
        QueueTicket.objects.filter(
            counter=counter, day=called.day, status=TicketStatus.WAITING
        ).order_by("number")[: NOTIFY_AHEAD + 1]
    )
    if len(waiting) <= NOTIFY_AHEAD:
        return
    ticket = waiting[NOTIFY_AHEAD]
    if not ticket.phone or ticket.notified_near:
        return
    QueueTicket.objects.filter(pk=ticket.pk).update(notified_near=True)
    rendered = render_notification(
        "queue.turn_near",
        "sms",
        counter.commune,
        {"counter": counter.name, "number": ticket.number, "ahead": NOTIFY_AHEAD},
    )
    queue_sms(
        ticket.phone,
        rendered.body,
        event="queue.turn_near",
        commune=counter.commune,
        related_reference=f"ticket-{ticket.pk}",
    )
