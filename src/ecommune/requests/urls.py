from django.urls import path

from ecommune.requests import resident_views, views

app_name = "ecommune_requests"

urlpatterns = [
    path("suivi/", views.track, name="track"),
    path("mes-demandes/", views.my_requests, name="mine"),
    path("demande/<str:reference>/", views.detail, name="detail"),
    path("demande/<str:reference>/confirmation/", views.acknowledgment, name="acknowledgment"),
    path("demande/<str:reference>/repondre/", resident_views.answer, name="answer"),
    path("<slug:slug>/", views.service_wizard, name="wizard"),
    path("<slug:slug>/<str:step>/", views.service_wizard, name="wizard_step"),
]
