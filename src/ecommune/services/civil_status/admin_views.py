"""The registry office's back office: the daily list of requests to process (screen, PDF),
each request's printable sheet (PDF, WeasyPrint) and its actions (sent, not found, not
entitled). Only agents of the commune who handle this service, and superusers, get in.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ecommune.requests.models import Request
from ecommune.services.civil_status import actions
from ecommune.services.civil_status.service import SLUG, CivilStatusService, Status

OPEN_STATUSES = (Status.SUBMITTED, Status.IN_PROGRESS, Status.WAITING_RESIDENT)


def can_handle(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    agent = getattr(user, "agent", None)
    return agent is not None and SLUG in (agent.services or [])


def requests_of(user):
    """This service's requests the user may handle: their commune's (every one for a
    superuser), with the certificate joined so a list costs one query."""
    queryset = Request.unscoped.filter(service=SLUG).select_related("certificate", "commune")
    if user.is_superuser:
        return queryset
    return queryset.filter(commune_id=user.agent.commune_id)


def inbox_url(reference: str) -> str:
    try:
        return reverse("ecommune_inbox_detail", args=[reference])
    except NoReverseMatch:
        return ""


def to_process(user):
    return requests_of(user).filter(status__in=OPEN_STATUSES).order_by("submitted_at", "pk")


def pdf_response(template: str, context: dict, filename: str) -> HttpResponse:
    from weasyprint import HTML

    html = render_to_string(template, context)
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class AgentOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not can_handle(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class DailyListView(AgentOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """Requests to process, oldest first, with what to look up in the registers."""

    page_title = _("Civil-status requests to process")
    header_icon = "doc-full"
    template_name = "ecommune_civil_status/admin/daily_list.html"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

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


def get_request(user, reference: str) -> Request:
    filed = requests_of(user).filter(reference=reference).first()
    if filed is None or not hasattr(filed, "certificate"):
        raise Http404
    return filed


def sheet_pdf(request, reference):
    """One request on paper for the registry office: what to look up, where to send it."""
    if not can_handle(request.user):
        raise PermissionDenied
    filed = get_request(request.user, reference)
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


class ActionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        widget=forms.RadioSelect,
        choices=[
            (Action.START, _("Start looking the act up")),
            (Action.SENT, _("Sent by post")),
            (Action.NOT_FOUND, _("Act not found in our registers")),
            (Action.NOT_ENTITLED, _("Applicant not entitled")),
        ],
    )
    sent_on = forms.DateField(
        label=_("Date of sending"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label=_("Reason sent to the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == Action.SENT and not cleaned.get("sent_on") and "sent_on" not in self.errors:
            self.add_error("sent_on", _("Give the date the act was posted."))
        if action in {Action.NOT_FOUND, Action.NOT_ENTITLED} and not cleaned.get("reason"):
            self.add_error("reason", _("Give the reason: it is sent to the applicant."))
        return cleaned


class RequestActionView(AgentOnlyMixin, WagtailAdminTemplateMixin, FormView):
    """What to look up, and the registry office's actions on one request."""

    header_icon = "doc-full"
    template_name = "ecommune_civil_status/admin/request.html"
    form_class = ActionForm

    def dispatch(self, request, *args, **kwargs):
        if can_handle(request.user):
            self.filed = get_request(request.user, kwargs["reference"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return str(_("Civil-status request %(reference)s")) % {"reference": self.filed.reference}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("ecommune_civil_status_list"), "label": _("Civil status")},
            {"url": "", "label": self.filed.reference},
        ]

    def get_initial(self):
        return {"sent_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filed=self.filed,
            certificate=self.filed.certificate,
            rows=CivilStatusService.summary_rows(CivilStatusService.stored_data(self.filed)),
            inbox_url=inbox_url(self.filed.reference),
            is_open=self.filed.status in OPEN_STATUSES,
        )
        return context

    def form_valid(self, form):
        action, user = form.cleaned_data["action"], self.request.user
        try:
            if action == Action.START:
                actions.start(self.filed, actor=user)
            elif action == Action.SENT:
                actions.mark_sent(self.filed, actor=user, sent_on=form.cleaned_data["sent_on"])
            elif action == Action.NOT_FOUND:
                actions.mark_not_found(self.filed, actor=user, reason=form.cleaned_data["reason"])
            else:
                actions.mark_not_entitled(
                    self.filed, actor=user, reason=form.cleaned_data["reason"]
                )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Done: the applicant is told by email."))
        return redirect("ecommune_civil_status_request", reference=self.filed.reference)
