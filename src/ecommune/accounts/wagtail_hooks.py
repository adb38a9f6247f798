"""Back office: the second factor's pages, the read-only audit trail and the commune's
agents (``agents_admin``: the list and the invitations)."""

from django.contrib.admin.utils import unquote
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from ecommune.accounts import admin_views
from ecommune.accounts.agents_admin import agent_viewset
from ecommune.accounts.models import AuditEvent


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Reading is granted per group (or to superusers); adding, changing and deleting are
    refused to everyone, superusers included."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and (
            AuditEvent.objects.visible_to(user).filter(pk=instance.pk).exists()
        )

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return AuditEvent.objects.none()
        return AuditEvent.objects.visible_to(user)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return AuditEvent.objects.none()
        return AuditEvent.objects.visible_to(user)


audit_permission_policy = ReadOnlyPermissionPolicy(AuditEvent)
register_permission_policy(AuditEvent, audit_permission_policy)


class AuditIndexView(IndexView):
    def get_base_queryset(self):
        return AuditEvent.objects.visible_to(self.request.user).select_related("commune")


class AuditInspectView(InspectView):
    def get_object(self, queryset=None):
        events = AuditEvent.objects.visible_to(self.request.user)
        return get_object_or_404(events, pk=unquote(str(self.pk)))


class AuditEventViewSet(ModelViewSet):
    """The audit trail: a listing and each event's details, for the agent's own commune
    (everything for a superuser); no form to add, change or delete."""

    model = AuditEvent
    icon = "history"
    menu_label = _("Audit trail")
    add_to_settings_menu = True
    menu_order = 900
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["created_at", "actor_label", "commune", "action", "object_label", "ip_address"]
    list_filter = ["action", "created_at"]
    search_fields = ["actor_label", "summary", "object_label", "action"]
    inspect_view_fields = [
        "created_at",
        "actor_label",
        "commune",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "summary",
        "ip_address",
    ]
    ordering = ["-created_at", "-pk"]
    index_view_class = AuditIndexView
    inspect_view_class = AuditInspectView

    def get_urlpatterns(self):
        # Only the listing and the details: no route to add, change, delete or copy.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]


audit_viewset = AuditEventViewSet("ecommune_audit")


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return audit_viewset


@hooks.register("register_admin_viewset")
def register_agent_viewset():
    return agent_viewset


@hooks.register("register_permissions")
def register_agent_permissions():
    """« Agent : Ajouter » in Settings → Groups: who may invite the commune's agents."""
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        content_type__app_label="ecommune_accounts", codename="add_agent"
    )


@hooks.register("register_admin_urls")
def register_second_factor_urls():
    return [
        path("securite/configurer/", admin_views.setup, name="ecommune_otp_setup"),
        path("securite/verifier/", admin_views.verify, name="ecommune_otp_verify"),
    ]
