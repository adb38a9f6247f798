"""The live queue's public pages: the waiting time per counter, the kiosk, one's ticket,
and a small JSON endpoint for the home page and other sites (the widget other sites frame
is ``ecommune.widgets``).

No JavaScript needed: each page has a "refresh" link. With JavaScript, a static file
(``queue-live.js``) fetches the page again every 30 seconds and swaps the figures in an
``aria-live`` region. ``<meta http-equiv="refresh">`` is not used: a page that reloads
on its own fails WCAG 2.2.1 (axe's ``meta-refresh`` rule)."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from ecommune.appointments import queue
from ecommune.appointments.forms import TicketForm
from ecommune.appointments.models import Counter, QueueTicket
from ecommune.core.tenancy import require_commune


def overview(request):
    require_commune(request)
    statuses = queue.counter_statuses(Counter.objects.all())
    return render(
        request,
        "ecommune_appointments/queue_overview.html",
        {"statuses": statuses},
    )


@require_http_methods(["GET", "POST"])
def counter_page(request, counter_id):
    """One counter's figures, and a ticket from the web for someone in the building."""
    require_commune(request)
    counter = get_object_or_404(Counter.objects.all(), pk=counter_id)
    form = TicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ticket = queue.take_ticket(counter, form.cleaned_data["phone"])
        return redirect("ecommune_queue:ticket", ticket.secret)
    return render(
        request,
        "ecommune_appointments/queue_counter.html",
        {"status": queue.counter_status(counter), "form": form},
    )


@require_http_methods(["GET", "POST"])
def kiosk(request, counter_id):
    """The town hall's tablet: one big button, and a mobile number for an SMS when the turn
    is near (optional, checked next to the field); the ticket shows, then the kiosk comes
    back. A wrong number takes no ticket: the person corrects it or leaves it empty."""
    require_commune(request)
    counter = get_object_or_404(Counter.objects.all(), pk=counter_id)
    ticket = None
    # An empty POST is the big button alone: a bound form, valid without a number.
    form = TicketForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        ticket = queue.take_ticket(counter, form.cleaned_data["phone"])
        form = TicketForm()
    return render(
        request,
        "ecommune_appointments/queue_kiosk.html",
        {
            "status": queue.counter_status(counter),
            "ticket": ticket,
            "ticket_status": queue.ticket_status(ticket) if ticket else None,
            "form": form,
        },
    )


def ticket(request, secret):
    require_commune(request)
    found = get_object_or_404(QueueTicket.objects.select_related("counter", "desk"), secret=secret)
    return render(
        request,
        "ecommune_appointments/queue_ticket.html",
        {"ticket": found, "status": queue.ticket_status(found)},
    )


def _public(status) -> dict:
    return {
        "id": status["counter"].pk,
        "name": status["counter"].name,
        "waiting": status["waiting"],
        "open_desks": status["open_desks"],
        "wait_minutes": status["wait_minutes"],
        "called": status["called"],
    }


def data(request):
    """The figures of every counter as JSON; any site may read them (CORS open)."""
    require_commune(request)
    body = {"counters": [_public(s) for s in queue.counter_statuses(Counter.objects.all())]}
    response = JsonResponse(body)
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "max-age=15"
    return response
