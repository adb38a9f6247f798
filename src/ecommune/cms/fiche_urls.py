"""The fiches' pages, mounted under /vos-droits/ by ``ecommune.conf.urls``.

The namespace keeps the name it had when these pages were ``ecommune.servicepublic``'s:
themes and ``Fiche.get_absolute_url`` reverse ``ecommune_servicepublic:fiche``."""

from django.urls import path

from ecommune.cms import fiche_views as views

app_name = "ecommune_servicepublic"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:publication_id>/", views.fiche, name="fiche"),
]
