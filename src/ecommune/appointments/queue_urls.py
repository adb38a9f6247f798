"""The live queue's public pages, mounted under /file-attente/."""

from django.urls import path

from ecommune.appointments import queue_views

app_name = "ecommune_queue"

urlpatterns = [
    path("", queue_views.overview, name="overview"),
    path("donnees.json", queue_views.data, name="data"),
    path("guichet/<int:counter_id>/", queue_views.counter_page, name="counter"),
    path("borne/<int:counter_id>/", queue_views.kiosk, name="kiosk"),
    path("ticket/<str:secret>/", queue_views.ticket, name="ticket"),
]
