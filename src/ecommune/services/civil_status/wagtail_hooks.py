"""Back office of the civil-status service: the registry office's menu item and pages."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ecommune.services.civil_status import admin_views


@hooks.register("register_admin_urls")
def register_civil_status_urls():
    return [
        path(
            "etat-civil/",
            admin_views.DailyListView.as_view(),
            name="ecommune_civil_status_list",
        ),
        path(
            "etat-civil/liste.pdf",
            admin_views.daily_list_pdf,
            name="ecommune_civil_status_list_pdf",
        ),
        path(
            "etat-civil/<str:reference>/",
            admin_views.RequestActionView.as_view(),
            name="ecommune_civil_status_request",
        ),
        path(
            "etat-civil/<str:reference>/fiche.pdf",
            admin_views.sheet_pdf,
            name="ecommune_civil_status_sheet",
        ),
    ]


class CivilStatusMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_handle(request.user)


@hooks.register("register_admin_menu_item")
def register_civil_status_menu_item():
    return CivilStatusMenuItem(
        _("Civil status"), reverse("ecommune_civil_status_list"), icon_name="doc-full", order=160
    )
