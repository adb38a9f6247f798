"""The registry office's back office: the daily list of requests to process (screen, PDF),
each request's printable sheet (PDF, WeasyPrint) and its actions (sent, not found, not
entitled). Only agents of the commune who handle this service, and superusers, get in
(``ecommune.requests.service_desk``).
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecommune.requests.service_desk import (
    DeskActionForm,
    DeskListView,
    DeskRequestView,
    ServiceDesk,
    inbox_url,
    pdf_response,
)
from ecommune.services.civil_status import actions
from ecommune.services.civil_status.service import SLUG, CivilStatusService, Status

OPEN_STATUSES = (Status.SUBMITTED, Status.IN_PROGRESS, Status.WAITING_RESIDENT)
DESK = ServiceDesk(SLUG, ("certificate",))
can_handle = DESK.can_handle
requests_of = DESK.requests_of


def to_process(user):
    return requests_of(user).filter(status__in=OPEN_STATUSES).order_by("submitted_at", "pk")


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


def daily_list_pdf(request):
    if not can_handle(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    return pdf_response(
        "ecommune_civil_status/admin/daily_list_pdf.html",
        {"rows": list(to_process(request.user)), "today": today, "service": CivilStatusService},
        f"etat-civil-{today:%Y-%m-%d}.pdf",
    )


def sheet_pdf(request, reference):
    """One request on paper for the registry office: what to look up, where to send it."""
    if not can_handle(request.user):
        raise PermissionDenied
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


class Action:
    START = "start"
    SENT = "sent"
    NOT_FOUND = "not_found"
    NOT_ENTITLED = "not_entitled"


class ActionForm(DeskActionForm):
    actions = [
        (Action.START, _("Start looking the act up")),
        (Action.SENT, _("Sent by post")),
        (Action.NOT_FOUND, _("Act not found in our registers")),
        (Action.NOT_ENTITLED, _("Applicant not entitled")),
    ]
    needs_reason = frozenset({Action.NOT_FOUND, Action.NOT_ENTITLED})
    field_order = ["action", "sent_on", "reason"]

    sent_on = forms.DateField(
        label=_("Date of sending"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("action") == Action.SENT
            and not cleaned.get("sent_on")
            and "sent_on" not in self.errors
        ):
            self.add_error("sent_on", _("Give the date the act was posted."))
        return cleaned


class RequestActionView(DeskRequestView):
    """What to look up, and the registry office's actions on one request."""

    desk = DESK
    header_icon = "doc-full"
    template_name = "ecommune_civil_status/admin/request.html"
    form_class = ActionForm
    title_format = _("Civil-status request %(reference)s")
    list_url_name = "ecommune_civil_status_list"
    list_label = _("Civil status")
    url_name = "ecommune_civil_status_request"
    open_statuses = OPEN_STATUSES

    def get_initial(self):
        return {"sent_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["certificate"] = self.filed.certificate
        return context

    def perform(self, action, cleaned, user):
        if action == Action.START:
            actions.start(self.filed, actor=user)
        elif action == Action.SENT:
            actions.mark_sent(self.filed, actor=user, sent_on=cleaned["sent_on"])
        elif action == Action.NOT_FOUND:
            actions.mark_not_found(self.filed, actor=user, reason=cleaned["reason"])
        else:
            actions.mark_not_entitled(self.filed, actor=user, reason=cleaned["reason"])
