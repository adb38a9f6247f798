"""The elections office's back office: registration requests with the 5-day notice (L18),
their actions, and the CSV of accepted requests to enter in the REU. Only agents of the
commune who handle this service, and superusers, get in."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ecommune.requests.models import Request
from ecommune.services.elections import actions, exports
from ecommune.services.elections.forms import full_date
from ecommune.services.elections.service import (
    OPEN_STATUSES,
    SLUG,
    ElectionsService,
    Status,
)


def can_handle(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    agent = getattr(user, "agent", None)
    return agent is not None and SLUG in (agent.services or [])


def requests_of(user):
    queryset = Request.unscoped.filter(service=SLUG).select_related(
        "registration", "registration__election", "commune"
    )
    if user.is_superuser:
        return queryset
    return queryset.filter(commune_id=user.agent.commune_id)


def inbox_url(reference: str) -> str:
    try:
        return reverse("ecommune_inbox_detail", args=[reference])
    except NoReverseMatch:
        return ""


class AgentOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not can_handle(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RegistrationListView(AgentOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = _("Electoral registration requests")
    header_icon = "user"
    template_name = "ecommune_elections/admin/list.html"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        rows = list(
            requests_of(self.request.user)
            .filter(status__in=OPEN_STATUSES)
            .order_by("submitted_at", "pk")
        )
        context.update(
            rows=[
                {
                    "filed": filed,
                    "due": actions.decision_due(filed),
                    "overdue": actions.is_overdue(filed, today),
                }
                for filed in rows
            ],
            overdue_count=sum(1 for filed in rows if actions.is_overdue(filed, today)),
            accepted_count=sum(1 for filed in rows if filed.status == Status.IN_REU),
        )
        return context


def export_csv(request):
    """Accepted requests (being entered in the REU), with the fields the REU asks for."""
    if not can_handle(request.user):
        raise PermissionDenied
    accepted = requests_of(request.user).filter(status=Status.IN_REU).order_by("submitted_at", "pk")
    response = HttpResponse(exports.to_csv(accepted), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="inscriptions-reu-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    return response


class Action:
    REU = "reu"
    REGISTERED = "registered"
    REFUSE = "refuse"


class ActionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        widget=forms.RadioSelect,
        choices=[
            (Action.REU, _("Accept: being entered in the national electoral register (REU)")),
            (Action.REGISTERED, _("Registered in the REU")),
            (Action.REFUSE, _("Refuse")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason for refusal, sent to the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == Action.REFUSE and not cleaned.get("reason"):
            self.add_error("reason", _("Give the reason: it is sent to the applicant."))
        return cleaned


class RequestActionView(AgentOnlyMixin, WagtailAdminTemplateMixin, FormView):
    header_icon = "user"
    template_name = "ecommune_elections/admin/request.html"
    form_class = ActionForm

    def dispatch(self, request, *args, **kwargs):
        if can_handle(request.user):
            self.filed = requests_of(request.user).filter(reference=kwargs["reference"]).first()
            if self.filed is None or not hasattr(self.filed, "registration"):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return str(_("Electoral registration %(reference)s")) % {"reference": self.filed.reference}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("ecommune_elections_list"), "label": _("Electoral roll")},
            {"url": "", "label": self.filed.reference},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filed=self.filed,
            registration=self.filed.registration,
            rows=ElectionsService.summary_rows(ElectionsService.stored_data(self.filed)),
            due=actions.decision_due(self.filed),
            due_text=full_date(actions.decision_due(self.filed)),
            overdue=actions.is_overdue(self.filed),
            is_open=self.filed.status in OPEN_STATUSES,
            documents=list(self.filed.documents.all()),
            inbox_url=inbox_url(self.filed.reference),
        )
        return context

    def form_valid(self, form):
        action, user = form.cleaned_data["action"], self.request.user
        try:
            if action == Action.REU:
                actions.enter_in_reu(self.filed, actor=user)
            elif action == Action.REGISTERED:
                actions.mark_registered(self.filed, actor=user)
            else:
                actions.refuse(self.filed, actor=user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Done: the applicant is told by email."))
        return redirect("ecommune_elections_request", reference=self.filed.reference)
