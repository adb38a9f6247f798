from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ecommune.core.views import ServiceCatalogueView, can_manage_communes


@hooks.register("register_admin_urls")
def register_service_catalogue_url():
    return [path("ecommune/services/", ServiceCatalogueView.as_view(), name="ecommune_services")]


class ServiceCatalogueMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_communes(request.user)


@hooks.register("register_admin_menu_item")
def register_service_catalogue_menu_item():
    return ServiceCatalogueMenuItem(
        _("Online services"), reverse("ecommune_services"), icon_name="list-ul", order=250
    )
