"""The registry office's back office: the daily list of requests to process (screen, PDF),
each request's printable sheet (PDF, WeasyPrint) and its page with the service's
``desk_actions`` (start, sent, not found, not entitled). Only agents of the commune who
handle this service, and superusers, get in (``ecommune.requests.service_desk``).
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecommune.accounts.backoffice import back_office
from ecommune.requests.service_desk import (
    DeskListView,
    DeskRequestView,
    ServiceDesk,
    inbox_url,
    pdf_response,
)
from ecommune.services.civil_status.service import OPEN, SLUG, CivilStatusService

DESK = ServiceDesk(SLUG, ("certificate",))
can_handle = DESK.can_handle
requests_of = DESK.requests_of


def to_process(user):
    return requests_of(user).filter(status__in=OPEN).order_by("submitted_at", "pk")


class DailyListView(DeskListView):
    """Requests to process, oldest first, with what to look up in the registers."""

    desk = DESK
    page_title = _("Civil-status requests to process")
    header_icon = "doc-full"
    template_name = "ecommune_civil_status/admin/daily_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(to_process(self.request.user))
        context.update(
            rows=[(filed, inbox_url(filed.reference)) for filed in rows],
            today=timezone.localdate(),
            service=CivilStatusService,
        )
        return context


@back_office(DESK.access)
def daily_list_pdf(request):
    today = timezone.localdate()
    return pdf_response(
        "ecommune_civil_status/admin/daily_list_pdf.html",
        {"rows": list(to_process(request.user)), "today": today, "service": CivilStatusService},
        f"etat-civil-{today:%Y-%m-%d}.pdf",
    )


@back_office(DESK.access)
def sheet_pdf(request, reference):
    """One request on paper for the registry office: what to look up, where to send it."""
    filed = DESK.get_request(request.user, reference)
    return pdf_response(
        "ecommune_civil_status/admin/sheet_pdf.html",
        {
            "filed": filed,
            "certificate": filed.certificate,
            "today": timezone.localdate(),
            "service": CivilStatusService,
        },
        f"{filed.reference}.pdf",
    )


class RequestActionView(DeskRequestView):
    """What to look up, and the registry office's actions on one request: the service's
    ``desk_actions``, offered and taken by the engine's ``DeskRequestView``."""

    desk = DESK
    header_icon = "doc-full"
    template_name = "ecommune_civil_status/admin/request.html"
    title_format = _("Civil-status request %(reference)s")
    list_url_name = "ecommune_civil_status_list"
    list_label = _("Civil status")
    url_name = "ecommune_civil_status_request"
    open_statuses = OPEN

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["certificate"] = self.filed.certificate
        return context
