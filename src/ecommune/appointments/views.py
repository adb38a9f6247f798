"""Residents' side: choose a motive, a slot in the week view, give one's details, confirm;
then cancel or move through the signed links of the confirmation. No JavaScript: every
slot is a link, every action a form.

A confirmation page is shown to the browser session that booked (or moved) the
appointment, and to the resident's account; anyone else gets a 404.
"""

import datetime
from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods

from ecommune.appointments import ics, services
from ecommune.appointments.forms import BookingForm
from ecommune.appointments.models import Booking, BookingStatus, Counter, Motive
from ecommune.appointments.slots import free_slots, parse_slot_key, soonest_and_week
from ecommune.core.dates import date_from_query
from ecommune.core.tenancy import require_commune

SESSION_KEY = "ecommune_appointments"


def _remember(request, reference: str) -> None:
    references = request.session.get(SESSION_KEY, [])
    if reference not in references:
        request.session[SESSION_KEY] = [*references, reference][-20:]


def _week_start(request, first_day: datetime.date, default: datetime.date) -> datetime.date:
    """The Monday of the week asked for (``?semaine=YYYY-MM-DD``), not before ``first_day``."""
    asked = max(date_from_query(request, "semaine", default=default), first_day)
    return asked - datetime.timedelta(days=asked.weekday())


def _time_label(moment: datetime.datetime) -> str:
    """« 9 h 05 », as the template's ``time:"G \\h i"`` writes it."""
    local = timezone.localtime(moment)
    return f"{local.hour} h {local.minute:02d}"


def week_context(request, motive, *, base_url: str, exclude=None) -> dict:
    """The week view: the next free slot, the days of one week with their free times, and
    the links to the weeks before and after within the booking window."""
    commune = require_commune(request)
    first, last, notice = services.booking_window(commune)
    counters = list(motive.counters.all())

    def week_for(soonest):
        # Without a week asked for, the week of the next free slot.
        week = _week_start(request, first, default=soonest)
        return week, min(week + datetime.timedelta(days=6), last)

    next_slot, (week, week_end), week_slots = soonest_and_week(
        motive, first, last, week_for, counters=counters, min_notice=notice, exclude=exclude
    )
    by_day = defaultdict(list)
    for slot in week_slots:
        by_day[timezone.localtime(slot.start).date()].append(slot)
    days = []
    for offset in range(7):
        day = week + datetime.timedelta(days=offset)
        if day > week_end:
            break
        if day < first:
            continue
        day_slots = by_day.get(day, [])
        if day_slots or day.weekday() < 5:
            # The labels are made once here: a week may show hundreds of slots.
            days.append(
                {
                    "date": day,
                    "label": date_format(day, "l j F"),
                    "slots": [(slot, _time_label(slot.start)) for slot in day_slots],
                }
            )
    previous_week = week - datetime.timedelta(weeks=1)
    next_week = week + datetime.timedelta(weeks=1)
    return {
        "motive": motive,
        "next_slot": next_slot,
        "days": days,
        "week": week,
        "week_end": week_end,
        "previous_url": f"{base_url}?semaine={previous_week.isoformat()}"
        if week > first - datetime.timedelta(days=first.weekday())
        else None,
        "next_url": f"{base_url}?semaine={next_week.isoformat()}" if next_week <= last else None,
        "several_counters": len(counters) > 1,
        "any_slot": next_slot is not None,
    }


def motives(request):
    """The motives open for booking in this commune."""
    require_commune(request)
    return render(
        request,
        "ecommune_appointments/motives.html",
        {"motives": Motive.objects.filter(active=True).prefetch_related("counters")},
    )


@login_required
def my_appointments(request):
    """The signed-in resident's appointments in this commune, coming ones first, each with how
    it was booked (online, by phone, at the counter): their appointment history. The links to
    move or cancel a coming one are fresh signed links."""
    require_commune(request)
    bookings = list(
        Booking.objects.filter(user=request.user)
        .select_related("motive", "counter", "commune")
        .order_by("-start")
    )
    now = timezone.now()
    coming = [b for b in reversed(bookings) if b.start > now and b.is_active]
    for booking in coming:
        booking.links = services.manage_urls(booking, absolute=False)
    past = [b for b in bookings if b not in coming]
    return render(
        request, "ecommune_appointments/my_appointments.html", {"coming": coming, "past": past}
    )


def _motive(request, slug):
    require_commune(request)
    return get_object_or_404(Motive.objects.filter(active=True), slug=slug)


def slots(request, slug):
    """Step 2: the next free slot first, then the week view."""
    motive = _motive(request, slug)
    base = reverse("ecommune_appointments:slots", args=[motive.slug])
    context = week_context(request, motive, base_url=base)
    context["choose_url"] = reverse("ecommune_appointments:book", args=[motive.slug])
    return render(request, "ecommune_appointments/slots.html", context)


def _chosen_slot(motive, value):
    parsed = parse_slot_key(value)
    if parsed is None:
        return None
    counter_id, start = parsed
    counter = next((c for c in motive.counters.all() if c.pk == counter_id), None)
    if counter is None:
        return None
    return counter, start


@require_http_methods(["GET", "POST"])
def book(request, slug):
    """Step 3: who comes; the slot is checked again when the form is sent."""
    motive = _motive(request, slug)
    value = request.POST.get("slot") if request.method == "POST" else request.GET.get("creneau")
    chosen = _chosen_slot(motive, value or "")
    if chosen is None:
        return redirect("ecommune_appointments:slots", motive.slug)
    counter, start = chosen
    user = request.user
    if request.method == "POST":
        form = BookingForm(request.POST, motive=motive)
        if form.is_valid():
            data = form.cleaned_data
            try:
                booking = services.book(
                    motive=motive,
                    counter_id=counter.pk,
                    start=start,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    phone=data["phone"],
                    people=data["people"],
                    ants_numbers=data["ants_numbers"],
                    user=user,
                )
            except services.SlotUnavailable as error:
                form.add_error(None, error.message)
                return _slot_taken(request, motive, form, counter, start)
            except services.BookingError as error:
                field = error.field
                if field == "ants_numbers":
                    field = form.ants_field_for(getattr(error, "number", ""))
                form.add_error(field if field in form.fields else None, error.message)
            else:
                _remember(request, booking.reference)
                return redirect("ecommune_appointments:confirmation", booking.reference)
    else:
        initial = {"slot": value}
        if user.is_authenticated:
            initial.update(
                first_name=user.first_name,
                last_name=user.last_name,
                email=user.email,
                phone=getattr(user, "phone", "") or "",
            )
        form = BookingForm(initial=initial, motive=motive)
    return render(
        request,
        "ecommune_appointments/book.html",
        {
            "motive": motive,
            "form": form,
            "counter": counter,
            "start": timezone.localtime(start),
            "slots_url": reverse("ecommune_appointments:slots", args=[motive.slug]),
        },
    )


def _slot_taken(request, motive, form, counter, start):
    """Someone took the last place meanwhile: say so and offer the next free slots."""
    commune = require_commune(request)
    first, last, notice = services.booking_window(commune)
    upcoming = free_slots(motive, first, last, min_notice=notice)[:5]
    return render(
        request,
        "ecommune_appointments/book.html",
        {
            "motive": motive,
            "form": form,
            "counter": counter,
            "start": timezone.localtime(start),
            "slot_taken": True,
            "alternatives": upcoming,
            "choose_url": reverse("ecommune_appointments:book", args=[motive.slug]),
            "slots_url": reverse("ecommune_appointments:slots", args=[motive.slug]),
        },
        status=409,
    )


def _visible_booking(request, reference):
    require_commune(request)
    booking = get_object_or_404(
        Booking.objects.select_related("motive", "counter", "commune").prefetch_related(
            "ants_numbers"
        ),
        reference=reference,
    )
    mine = request.user.is_authenticated and booking.user_id == request.user.pk
    if not mine and reference not in request.session.get(SESSION_KEY, []):
        raise Http404
    return booking


def confirmation(request, reference):
    booking = _visible_booking(request, reference)
    return render(
        request,
        "ecommune_appointments/confirmation.html",
        {
            "booking": booking,
            "links": services.manage_urls(booking, absolute=False)
            if booking.status == BookingStatus.BOOKED
            else {},
        },
    )


def booking_ics(request, reference):
    booking = _visible_booking(request, reference)
    response = HttpResponse(
        ics.booking_ics(booking, cancelled=booking.status == BookingStatus.CANCELLED),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="rendez-vous-{booking.reference}.ics"'
    return response


@require_http_methods(["GET", "POST"])
def cancel(request, token):
    require_commune(request)
    try:
        booking = services.booking_for_token(token, "cancel")
    except services.LinkInvalid:
        return render(request, "ecommune_appointments/link_used.html", status=410)
    if request.method == "POST":
        services.cancel(booking)
        return render(request, "ecommune_appointments/cancelled.html", {"booking": booking})
    return render(request, "ecommune_appointments/cancel.html", {"booking": booking})


@require_http_methods(["GET", "POST"])
def move(request, token):
    """Choose a new slot; the appointment is kept until the new one is confirmed."""
    require_commune(request)
    try:
        booking = services.booking_for_token(token, "move")
    except services.LinkInvalid:
        return render(request, "ecommune_appointments/link_used.html", status=410)
    base = reverse("ecommune_appointments:move", args=[token])
    value = request.POST.get("slot") if request.method == "POST" else request.GET.get("creneau")
    chosen = _chosen_slot(booking.motive, value or "")
    error = None
    if request.method == "POST" and chosen is not None:
        counter, start = chosen
        try:
            moved = services.move(booking, counter.pk, start)
        except services.BookingError as exc:
            error = exc.message
            chosen = None
        else:
            _remember(request, moved.reference)
            return redirect("ecommune_appointments:confirmation", moved.reference)
    context = week_context(request, booking.motive, base_url=base, exclude=booking)
    context.update(
        booking=booking,
        choose_url=base,
        error=error,
        chosen=(chosen[0], timezone.localtime(chosen[1])) if chosen else None,
        slot_value=value,
    )
    return render(request, "ecommune_appointments/move.html", context)


def counter_feed(request, token):
    """A counter's appointments as iCalendar, for agents' calendars (the secret URL)."""
    counter = get_object_or_404(Counter.objects.select_related("commune"), feed_token=token)
    since = timezone.now() - datetime.timedelta(days=7)
    bookings = (
        Booking.objects.filter(counter=counter, status=BookingStatus.BOOKED, start__gte=since)
        .select_related("motive", "counter", "commune")
        .order_by("start")
    )
    response = HttpResponse(ics.counter_feed(counter, bookings), content_type="text/calendar")
    response["Cache-Control"] = "private, max-age=300"
    return response
