"""Back office: the « Requests » inbox (menu item, pages) and the canned replies."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import CreateView, DeleteView, EditView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from ecommune.accounts.audit import audit
from ecommune.requests import admin_views, agents
from ecommune.requests.agent_forms import CannedReplyForm
from ecommune.requests.models import CannedReply


@hooks.register("register_admin_urls")
def register_inbox_urls():
    return [
        path("demandes/", admin_views.InboxIndexView.as_view(), name="ecommune_inbox"),
        path("demandes/export.csv", admin_views.inbox_export, name="ecommune_inbox_export"),
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


class InboxMenuItem(MenuItem):
    def is_shown(self, request):
        return agents.can_use_inbox(request.user)


@hooks.register("register_admin_menu_item")
def register_inbox_menu_item():
    return InboxMenuItem(_("Requests"), reverse("ecommune_inbox"), icon_name="tasks", order=150)


class CannedReplyPermissionPolicy(ModelPermissionPolicy):
    """Every agent manages their commune's canned replies (the scoped manager keeps them to
    their commune); residents and other back-office users get nothing."""

    def user_has_permission(self, user, action):
        return agents.can_use_inbox(user) and action in {"add", "change", "delete", "view"}

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and (
            user.is_superuser or instance.commune_id == agents.agent_of(user).commune_id
        )

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return CannedReply.unscoped.none()
        if user.is_superuser:
            return CannedReply.unscoped.all()
        return CannedReply.unscoped.filter(commune_id=agents.agent_of(user).commune_id)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return CannedReply.unscoped.none()
        return self.instances_user_has_permission_for(user, "view")


canned_reply_policy = CannedReplyPermissionPolicy(CannedReply)
register_permission_policy(CannedReply, canned_reply_policy)


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


class CannedReplyViewSet(ModelViewSet):
    model = CannedReply
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
