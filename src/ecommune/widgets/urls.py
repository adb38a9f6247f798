"""The widgets' public pages, mounted under /widgets/."""

from django.urls import path

from ecommune.widgets import views

app_name = "ecommune_widgets"

urlpatterns = [
    path("embed.js", views.embed_js, name="embed"),
    path("prochain-creneau/<slug:motive_slug>/", views.next_slot, name="next_slot"),
    path("attente/", views.waiting, name="waiting"),
    path("actualites/", views.news, name="news"),
    path("fiche/<str:publication_id>/", views.fiche, name="fiche"),
]
