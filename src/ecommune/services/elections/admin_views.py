"""The elections office's back office: registration requests with the 5-day notice (L18),
their actions, and the CSV of accepted requests to enter in the REU. Only agents of the
commune who handle this service, and superusers, get in."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecommune.requests.service_desk import (
    DeskActionForm,
    DeskListView,
    DeskRequestView,
    ServiceDesk,
)
from ecommune.services.elections import actions, exports
from ecommune.services.elections.forms import full_date
from ecommune.services.elections.service import (
    OPEN_STATUSES,
    SLUG,
    Status,
)

DESK = ServiceDesk(SLUG, ("registration", "registration__election"))
can_handle = DESK.can_handle
requests_of = DESK.requests_of


class RegistrationListView(DeskListView):
    desk = DESK
    page_title = _("Electoral registration requests")
    header_icon = "user"
    template_name = "ecommune_elections/admin/list.html"

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


class ActionForm(DeskActionForm):
    actions = [
        (Action.REU, _("Accept: being entered in the national electoral register (REU)")),
        (Action.REGISTERED, _("Registered in the REU")),
        (Action.REFUSE, _("Refuse")),
    ]
    needs_reason = frozenset({Action.REFUSE})
    reason_label = _("Reason for refusal, sent to the applicant")


class RequestActionView(DeskRequestView):
    desk = DESK
    header_icon = "user"
    template_name = "ecommune_elections/admin/request.html"
    form_class = ActionForm
    title_format = _("Electoral registration %(reference)s")
    list_url_name = "ecommune_elections_list"
    list_label = _("Electoral roll")
    url_name = "ecommune_elections_request"
    open_statuses = OPEN_STATUSES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            registration=self.filed.registration,
            due=actions.decision_due(self.filed),
            due_text=full_date(actions.decision_due(self.filed)),
            overdue=actions.is_overdue(self.filed),
            documents=list(self.filed.documents.all()),
        )
        return context

    def perform(self, action, cleaned, user):
        if action == Action.REU:
            actions.enter_in_reu(self.filed, actor=user)
        elif action == Action.REGISTERED:
            actions.mark_registered(self.filed, actor=user)
        else:
            actions.refuse(self.filed, actor=user, reason=cleaned["reason"])
