"""Agents' side in the Wagtail back office: the day and week agenda of a counter (printable),
booking on behalf of a caller, closing a period and moving its appointments, the queue desk.

Every queryset goes through the commune-scoped managers: an agent sees their own
commune's counters only. The work itself is in ``services`` and ``queue``.
"""

import datetime

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ecommune.accounts.audit import audit
from ecommune.accounts.backoffice import Access, BackOfficeMixin, back_office
from ecommune.appointments import queue, services
from ecommune.appointments.forms import AgentBookingForm, ClosePeriodForm
from ecommune.appointments.home import forget_next_slot
from ecommune.appointments.models import (
    AntsNumber,
    Booking,
    BookingStatus,
    Closure,
    Counter,
    Desk,
    Motive,
)
from ecommune.appointments.slots import free_slots, parse_slot_key
from ecommune.core.dates import date_from_query
from ecommune.core.redirects import safe_next


def _day(request) -> datetime.date:
    return date_from_query(request, "jour", default=timezone.localdate())


def _bounds(first: datetime.date, days: int):
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    return start, start + datetime.timedelta(days=days)


def agenda_context(request):
    counters = list(Counter.objects.all())
    if not counters:
        return {"counters": []}
    try:
        counter = next(c for c in counters if c.pk == int(request.GET.get("guichet", 0)))
    except (StopIteration, ValueError):
        counter = counters[0]
    week = request.GET.get("vue") == "semaine"
    day = _day(request)
    first = day - datetime.timedelta(days=day.weekday()) if week else day
    length = 7 if week else 1
    start, end = _bounds(first, length)
    bookings = list(
        Booking.objects.filter(counter=counter, start__gte=start, start__lt=end)
        .exclude(status=BookingStatus.CANCELLED)
        .select_related("motive")
        .prefetch_related(Prefetch("ants_numbers", queryset=AntsNumber.objects.order_by("pk")))
        .order_by("start", "last_name")
    )
    days = []
    for offset in range(length):
        date = first + datetime.timedelta(days=offset)
        days.append(
            {
                "date": date,
                "bookings": [b for b in bookings if timezone.localtime(b.start).date() == date],
            }
        )
    step = datetime.timedelta(days=length)
    return {
        "counters": counters,
        "counter": counter,
        "week": week,
        "days": days,
        "first": first,
        "previous": first - step,
        "next": first + step,
        "feed_url": counter.commune.public_url(
            reverse("ecommune_appointments:feed", args=[counter.feed_token])
        ),
    }


#: The agents who hold the appointments desk: the agenda, booking for a caller, closing a
#: period, the queue (Django permission « Can change appointment », given by a group).
DESK = Access(permission="ecommune_appointments.change_booking")


class AdminPage(BackOfficeMixin, WagtailAdminTemplateMixin, TemplateView):
    """A back-office page whose header shows its title after « Home »."""

    access = DESK

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class AgendaView(AdminPage):
    template_name = "ecommune_appointments/admin/agenda.html"
    page_title = gettext_lazy("Appointments")
    header_icon = "date"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **agenda_context(self.request)}


@back_office(DESK)
def agenda_print(request):
    """The same agenda, alone on the page, for paper."""
    return render(request, "ecommune_appointments/admin/agenda_print.html", agenda_context(request))


@back_office(DESK)
def set_status(request, pk):
    if request.method != "POST":
        raise Http404
    booking = get_object_or_404(Booking.objects.all(), pk=pk)
    status = request.POST.get("status")
    if status not in (BookingStatus.SEEN, BookingStatus.NO_SHOW, BookingStatus.BOOKED):
        raise Http404
    services.mark(booking, status)
    messages.success(
        request,
        _("%(name)s: %(status)s.")
        % {
            "name": booking.full_name,
            "status": BookingStatus(status).label,
        },
    )
    return redirect(safe_next(request, "ecommune_appointments_admin:agenda"))


class BookOnBehalfView(AdminPage):
    """Motive → slot → the caller's details; the booking is the residents' own path."""

    template_name = "ecommune_appointments/admin/book.html"
    page_title = gettext_lazy("Book for a caller")
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        self.motive = None
        slug = request.GET.get("motif") or request.POST.get("motif")
        if slug:
            self.motive = get_object_or_404(Motive.objects.all(), slug=slug)
        self.slot = None
        key = request.GET.get("creneau") or request.POST.get("slot")
        if self.motive is not None and key:
            self.slot = parse_slot_key(key)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["motives"] = Motive.objects.filter(active=True)
        context["motive"] = self.motive
        if self.motive is not None and self.slot is None:
            today = timezone.localdate()
            context["slots"] = free_slots(self.motive, today, today + datetime.timedelta(weeks=8))[
                :40
            ]
        if self.slot is not None:
            context["start"] = timezone.localtime(self.slot[1])
            context["form"] = form or AgentBookingForm(
                initial={"slot": self.request.GET.get("creneau")}, motive=self.motive
            )
        return context

    def post(self, request, *args, **kwargs):
        if self.motive is None or self.slot is None:
            return redirect("ecommune_appointments_admin:book")
        form = AgentBookingForm(request.POST, motive=self.motive)
        if form.is_valid():
            data = form.cleaned_data
            try:
                booking = services.book(
                    motive=self.motive,
                    counter_id=self.slot[0],
                    start=self.slot[1],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    phone=data["phone"],
                    people=data["people"],
                    ants_numbers=data["ants_numbers"],
                    user=_account_for(data["email"]),
                    by_agent=True,
                    channel=data["channel"],
                    agent=request.user,
                )
            except services.BookingError as error:
                field = error.field
                if field == "ants_numbers":
                    field = form.ants_field_for(getattr(error, "number", ""))
                form.add_error(field if field in form.fields else None, error.message)
            else:
                audit(
                    request,
                    "appointment.booked_for_caller",
                    booking,
                    f"{booking.reference} ({booking.get_channel_display()})",
                    commune=booking.commune,
                )
                messages.success(
                    request,
                    _("Appointment %(reference)s booked for %(name)s.")
                    % {"reference": booking.reference, "name": booking.full_name},
                )
                day = timezone.localtime(booking.start).date().isoformat()
                return redirect(
                    reverse("ecommune_appointments_admin:agenda")
                    + f"?guichet={booking.counter_id}&jour={day}"
                )
        return self.render_to_response(self.get_context_data(form=form))


def _account_for(email):
    """The resident's account when the caller has one with this address, verified (an
    unverified address proves nothing): the booking joins their history."""
    if not email:
        return None
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(email__iexact=email, is_active=True, email_verified_at__isnull=False)
        .first()
    )


class ClosePeriodView(AdminPage):
    """Close a counter for some days and move its appointments, telling each resident."""

    template_name = "ecommune_appointments/admin/close.html"
    page_title = gettext_lazy("Close a period")
    header_icon = "date"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = form or ClosePeriodForm()
        context["closures"] = Closure.objects.filter(
            ends_on__gte=timezone.localdate()
        ).select_related("counter")
        return context

    def post(self, request, *args, **kwargs):
        form = ClosePeriodForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        moved, cancelled = close_period(
            data["counter"], data["starts_on"], data["ends_on"], data["reason"]
        )
        messages.success(
            request,
            _("Period closed: %(moved)s appointment(s) moved, %(cancelled)s cancelled.")
            % {"moved": moved, "cancelled": cancelled},
        )
        return redirect("ecommune_appointments_admin:close")


def close_period(counter, starts_on, ends_on, reason) -> tuple[int, int]:
    """Record the closure, then move each booking of the period to the next free slot of
    its motive (the resident gets the "moved" email and .ics); cancel with notice when no
    slot is free in the booking window."""
    Closure.objects.create(counter=counter, starts_on=starts_on, ends_on=ends_on, reason=reason)
    forget_next_slot(counter.commune_id)
    start, end = _bounds(starts_on, (ends_on - starts_on).days + 1)
    moved = cancelled = 0
    bookings = Booking.objects.filter(
        counter=counter, status=BookingStatus.BOOKED, start__gte=start, start__lt=end
    ).select_related("motive", "counter", "commune")
    last = ends_on + datetime.timedelta(weeks=services.settings_for(counter.commune).horizon_weeks)
    for booking in bookings:
        target = None
        for slot in free_slots(booking.motive, ends_on + datetime.timedelta(days=1), last):
            target = slot
            break
        if target is not None:
            try:
                services.move(booking, target.counter.pk, target.start, by_agent=True)
                moved += 1
                continue
            except services.BookingError:
                pass
        services.cancel(booking)
        cancelled += 1
    return moved, cancelled


class QueueDeskView(AdminPage):
    """One button per desk: « appeler le suivant »; open or close the desk."""

    template_name = "ecommune_appointments/admin/queue.html"
    page_title = gettext_lazy("Queue")
    header_icon = "group"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counters = list(Counter.objects.prefetch_related("desks"))
        context["panels"] = [
            {
                "status": queue.counter_status(counter),
                "desks": [
                    {"desk": desk, "current": desk.queueticket_set.filter(status="called").first()}
                    for desk in counter.desks.all()
                ],
            }
            for counter in counters
        ]
        return context

    def post(self, request, *args, **kwargs):
        desk = get_object_or_404(
            Desk.objects.select_related("counter__commune"), pk=request.POST.get("desk")
        )
        action = request.POST.get("action")
        if action == "next":
            ticket = queue.call_next(desk)
            if ticket is None:
                messages.info(request, _("Nobody is waiting."))
            else:
                messages.success(
                    request,
                    _("Ticket %(number)s called to %(desk)s.")
                    % {"number": ticket.number, "desk": desk.name},
                )
        elif action in ("open", "close"):
            queue.set_desk_open(desk, action == "open")
        return redirect("ecommune_appointments_admin:queue")
