"""The elections office's back office: registration requests with the 5-day notice (L18),
their actions (the service's ``desk_actions``), and the CSV of accepted requests to enter in
the REU. Only agents of the commune who handle this service, and superusers, get in."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecommune.accounts.backoffice import back_office
from ecommune.core import csv_export
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


@back_office(DESK.access)
def export_csv(request):
    """Accepted requests (being entered in the REU), with the fields the REU asks for."""
    accepted = requests_of(request.user).filter(status=Status.IN_REU).order_by("submitted_at", "pk")
    return csv_export.response(
        exports.table(accepted), f"inscriptions-reu-{timezone.localdate():%Y-%m-%d}.csv"
    )


class RequestActionView(DeskRequestView):
    desk = DESK
    header_icon = "user"
    template_name = "ecommune_elections/admin/request.html"
    form_class = DeskActionForm  # its choices: the service's desk_actions offered now
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
