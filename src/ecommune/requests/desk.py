"""The kit's desk of a service: one Wagtail viewset per registered service that has no desk of
its own (``Service.has_own_desk``), registered at start from the registry.

A service shipped as a package, or one a commune designs, gets it for free: under
« Demandes par démarche » in the menu, the list of the service's requests in the commune,
filtered by status, each one linking to its page in the shared inbox, where the engine's
and the service's actions are (``desk_actions``). Only the service's agents get in
(``agents_of(slug)``); ``tests/test_backoffice_access.py`` walks these viewsets as every
other back-office page.
"""

from django import forms
from django.core.paginator import Paginator
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup

from ecommune.accounts.backoffice import BackOfficeMixin, BackOfficeViewSet, agents_of
from ecommune.core.registry import registry
from ecommune.requests.agents import requests_for
from ecommune.requests.intake import intake_services, start_url
from ecommune.requests.services import agent_status_label, status_choices
from ecommune.requests.statuses import closed_q

PER_PAGE = 50


class DeskFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("Every status")),
            ("open", _("Every open request")),
            *(
                (value, agent_status_label(service, value))
                for value, _label in status_choices(service)
            ),
        ]

    def filter(self, queryset):
        status = self.cleaned_data.get("status") if self.is_valid() else ""
        if status == "open":
            return queryset.exclude(closed_q())
        if status:
            return queryset.filter(status=status)
        return queryset


class ServiceDeskIndexView(BackOfficeMixin, WagtailAdminTemplateMixin, TemplateView):
    """The service's requests in the commune, by status, each linking to the inbox."""

    service = None
    template_name = "ecommune_requests/admin/desk.html"
    header_icon = "tasks"

    def get_page_title(self):
        return self.service.title

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        service = self.service
        form = DeskFilterForm(self.request.GET or None, service=service)
        queryset = form.filter(
            requests_for(self.request.user)
            .filter(service=service.slug)
            .select_related("assigned_to")
            .order_by("expected_answer_on", "pk")
        )
        page = Paginator(queryset, PER_PAGE).get_page(self.request.GET.get("page"))
        today = timezone.localdate()
        rows = [
            {
                "filed": filed,
                "status": agent_status_label(service, filed.status),
                "overdue": filed.expected_answer_on is not None
                and filed.expected_answer_on < today
                and not filed.is_closed,
            }
            for filed in page.object_list
        ]
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            service=service,
            filter_form=form,
            page_obj=page,
            rows=rows,
            query=query.urlencode(),
            clear_url=self.request.path,
            inbox_url=reverse("ecommune_inbox") + f"?service={service.slug}",
            intake_url=start_url(service) if service in intake_services(self.request.user) else "",
        )
        return context


class ServiceDeskViewSet(BackOfficeViewSet):
    """One service's desk: its URLs (``/admin/demarches/<slug>/``), its namespace
    (``ecommune_desk_<slug>``), its menu item and its access, in one object."""

    icon = "tasks"

    def __init__(self, service, **kwargs):
        self.service = service
        super().__init__(
            f"ecommune_desk_{service.slug}",
            access=agents_of(service.slug),
            url_prefix=f"demarches/{service.slug}",
            menu_label=service.title,
            menu_name=f"desk-{service.slug}",
            **kwargs,
        )

    def get_urlpatterns(self):
        return [
            path(
                "",
                self.construct_view(ServiceDeskIndexView, service=self.service),
                name="index",
            )
        ]


class ServiceDesks(ViewSetGroup):
    """« Demandes par démarche »: the desks in one menu entry, shown when one of them is."""

    menu_label = _("Requests by procedure")
    menu_name = "service-desks"
    menu_icon = "tasks"
    menu_order = 152

    def __init__(self, desks):
        self.items = desks
        super().__init__()


def service_desks() -> list:
    """The desks to register: one per registered service without a desk of its own."""
    desks = [ServiceDeskViewSet(service) for service in registry if not service.has_own_desk]
    return [ServiceDesks(desks)] if desks else []
