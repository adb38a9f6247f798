"""The kit's URLs; a site's urls.py writes ``from ecommune.conf.urls import urlpatterns``.

Wagtail's page serving comes last: it catches every path the kit does not.
"""

from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from ecommune.accounts.admin_login import AdminLoginView
from ecommune.cms.views import robots_txt, search
from ecommune.cms.webapp import web_app_icon, web_app_manifest
from ecommune.core.registry import service_urlpatterns
from ecommune.core.views import commune_theme_css

ADMIN = settings.ECOMMUNE_ADMIN_PREFIX.strip("/") + "/"

urlpatterns = [
    path(ADMIN + "login/", AdminLoginView.as_view(), name="wagtailadmin_login"),
    path(ADMIN, include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("recherche/", search, name="ecommune_search"),
    path("vos-droits/", include("ecommune.cms.fiche_urls")),
    path("ecommune/theme.css", commune_theme_css, name="ecommune_theme_css"),
    path("manifest.webmanifest", web_app_manifest, name="ecommune_webapp_manifest"),
    path("ecommune/icon-<int:size>.png", web_app_icon, name="ecommune_webapp_icon"),
    path("demarches/", include("ecommune.requests.urls")),
    path("compte/", include("ecommune.accounts.urls")),
    path("rendez-vous/", include("ecommune.appointments.urls")),
    # The waiting-time widget's first address: now one of the widgets (ecommune.widgets).
    path(
        "file-attente/widget/",
        RedirectView.as_view(pattern_name="ecommune_widgets:waiting", permanent=True),
        name="ecommune_queue_widget",
    ),
    path("file-attente/", include("ecommune.appointments.queue_urls")),
    path("famille/", include("ecommune.families.urls")),
    path("famille/", include("ecommune.services.school.urls")),
    path("famille/factures/", include("ecommune.payments.invoice_urls")),
    path("paiements/", include("ecommune.payments.urls")),
    path("api/ants/", include("ecommune.appointments.ants_hub_urls")),
    # The public read API, its OpenAPI document and its docs page (ecommune.api).
    path("api/", include("ecommune.api.urls")),
    path("avis/", include("ecommune.feedback.urls")),
    # Widgets for other sites, framed by the origins each commune allows (ecommune.widgets).
    path("widgets/", include("ecommune.widgets.urls")),
    # Each service's own public pages (``Service.urls()``).
    *service_urlpatterns(),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
