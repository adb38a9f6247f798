"""Back office: the « Requests » inbox (menu item, pages), the canned replies and the
services' desks."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import CreateView, DeleteView, EditView

from ecommune.accounts.audit import audit
from ecommune.accounts.backoffice import AGENTS, AccessMenuItem, CommuneModelViewSet
from ecommune.requests import admin_views, intake
from ecommune.requests.agent_forms import CannedReplyForm
from ecommune.requests.desk import service_desks
from ecommune.requests.models import CannedReply


@hooks.register("register_admin_urls")
def register_inbox_urls():
    return [
        path("demandes/", admin_views.InboxIndexView.as_view(), name="ecommune_inbox"),
        path("demandes/export.csv", admin_views.inbox_export, name="ecommune_inbox_export"),
        path("demandes/nouvelle/", intake.IntakeChoiceView.as_view(), name="ecommune_intake"),
        path("demandes/nouvelle/<slug:slug>/", intake.intake_wizard, name="ecommune_intake_start"),
        path(
            "demandes/nouvelle/<slug:slug>/<str:step>/",
            intake.intake_wizard,
            name="ecommune_intake_step",
        ),
        path(
            "demandes/<str:reference>/",
            admin_views.RequestDetailView.as_view(),
            name="ecommune_inbox_detail",
        ),
        path(
            "demandes/<str:reference>/documents/<int:pk>/",
            admin_views.document_download,
            name="ecommune_inbox_document",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_inbox_menu_item():
    return AccessMenuItem(
        _("Requests"), reverse("ecommune_inbox"), icon_name="tasks", order=150, access=AGENTS
    )


class AuditedCreateView(CreateView):
    def save_instance(self):
        instance = super().save_instance()
        audit(self.request, "requests.canned_reply_created", instance, instance.title)
        return instance


class AuditedEditView(EditView):
    def save_instance(self):
        instance = super().save_instance()
        audit(self.request, "requests.canned_reply_changed", instance, instance.title)
        return instance


class AuditedDeleteView(DeleteView):
    def delete_action(self):
        audit(self.request, "requests.canned_reply_deleted", self.object, self.object.title)
        return super().delete_action()


class CannedReplyViewSet(CommuneModelViewSet):
    """Every agent manages their commune's canned replies."""

    model = CannedReply
    access = AGENTS
    icon = "openquote"
    menu_label = _("Canned replies")
    menu_order = 151
    add_to_admin_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    list_display = ["title", "service", "updated_at"]
    list_filter = ["service"]
    search_fields = ["title", "body"]
    search_backend_name = None
    add_view_class = AuditedCreateView
    edit_view_class = AuditedEditView
    delete_view_class = AuditedDeleteView

    def get_form_class(self, for_update=False):
        return CannedReplyForm


@hooks.register("register_admin_viewset")
def register_canned_replies():
    return CannedReplyViewSet("ecommune_canned_replies")


@hooks.register("register_admin_viewset")
def register_service_desks():
    """One desk per registered service that has none of its own (``requests.desk``)."""
    return service_desks()
