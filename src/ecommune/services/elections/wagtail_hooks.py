"""Back office of the electoral-roll service: the elections the commune announces (a
viewset scoped to the agent's commune), the registration requests and their export."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ecommune.accounts.backoffice import CommuneModelViewSet
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


class ElectionViewSet(CommuneModelViewSet):
    """The agents of the electoral-roll service manage their commune's elections."""

    model = Election
    access = admin_views.DESK.access
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


@hooks.register("register_admin_viewset")
def register_elections_viewset():
    return ElectionViewSet("ecommune_elections")
