"""Back office of the electoral-roll service: the elections the commune announces (a
viewset scoped to the agent's commune), the registration requests and their export."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from ecommune.services.elections import admin_views
from ecommune.services.elections.models import Election


@hooks.register("register_admin_urls")
def register_elections_urls():
    return [
        path(
            "listes-electorales/",
            admin_views.RegistrationListView.as_view(),
            name="ecommune_elections_list",
        ),
        path(
            "listes-electorales/export-reu.csv",
            admin_views.export_csv,
            name="ecommune_elections_export",
        ),
        path(
            "listes-electorales/<str:reference>/",
            admin_views.RequestActionView.as_view(),
            name="ecommune_elections_request",
        ),
    ]


class ElectionsMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_handle(request.user)


@hooks.register("register_admin_menu_item")
def register_elections_menu_item():
    return ElectionsMenuItem(
        _("Electoral roll"), reverse("ecommune_elections_list"), icon_name="user", order=161
    )


class ElectionPermissionPolicy(ModelPermissionPolicy):
    """The agents of the electoral-roll service manage their commune's elections (the
    scoped manager keeps them to it); a superuser manages every commune's."""

    def _agent_commune_id(self, user):
        agent = getattr(user, "agent", None)
        return agent.commune_id if agent else None

    def user_has_permission(self, user, action):
        return admin_views.can_handle(user) and action in {"add", "change", "delete", "view"}

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and (
            user.is_superuser or instance.commune_id == self._agent_commune_id(user)
        )

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return Election.unscoped.none()
        if user.is_superuser:
            return Election.unscoped.all()
        return Election.unscoped.filter(commune_id=self._agent_commune_id(user))

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return Election.unscoped.none()
        return self.instances_user_has_permission_for(user, "view")


election_policy = ElectionPermissionPolicy(Election)
register_permission_policy(Election, election_policy)


class ElectionViewSet(ModelViewSet):
    model = Election
    icon = "date"
    menu_label = _("Elections")
    add_to_admin_menu = False
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["name", "kind", "first_round", "registration_deadline"]
    list_filter = ["kind"]
    search_fields = ["name"]
    search_backend_name = None
    form_fields = ["name", "kind", "first_round", "second_round"]

    @property
    def permission_policy(self):
        return election_policy


@hooks.register("register_admin_viewset")
def register_elections_viewset():
    return ElectionViewSet("ecommune_elections")
