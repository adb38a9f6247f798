"""Back-office views of the core: the catalogue of registered services."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permissions import policy_registry

from ecommune.core.models import Commune
from ecommune.core.registry import registry
from ecommune.core.validators import HEX_COLOUR_RE


def can_manage_communes(user) -> bool:
    """Whether the user may change some commune's settings: a global permission or, for a
    town hall's administrator, a per-site one (Wagtail's GroupSitePermission)."""
    return policy_registry.get_by_type(Commune).user_has_any_permission(user, ["change"])


class ServiceCatalogueView(WagtailAdminTemplateMixin, TemplateView):
    """Lists every registered service and which communes enabled it."""

    page_title = _("Online services")
    header_icon = "list-ul"
    template_name = "ecommune_core/admin/services.html"

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_communes(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        communes = list(Commune.objects.select_related("site").order_by("name"))
        context["rows"] = [
            {
                "service": service,
                "communes": [c for c in communes if service.slug in (c.enabled_services or [])],
            }
            for service in registry
        ]
        context["communes"] = [
            (c, reverse("wagtailsettings:edit", args=["ecommune_core", "commune", c.site_id]))
            for c in communes
        ]
        return context


def commune_theme_css(request):
    """The current commune's main colour as a CSS custom property (no inline style: strict CSP)."""
    commune = getattr(request, "commune", None)
    colour = (
        commune.main_colour
        if commune and HEX_COLOUR_RE.match(commune.main_colour or "")
        else "#1f4e8c"
    )
    response = HttpResponse(
        f":root{{--ec-main:{colour};}}\n", content_type="text/css; charset=utf-8"
    )
    patch_cache_control(response, public=True, max_age=300)
    return response
