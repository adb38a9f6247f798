"""The ANTS hub's three calls, under /api/ants/ (the names are the hub's own)."""

from django.urls import path

from ecommune.appointments import ants_hub_views as views

app_name = "ecommune_ants_hub"

urlpatterns = [
    path("getManagedMeetingPoints", views.managed_meeting_points, name="meeting_points"),
    path("availableTimeSlots", views.available_time_slots, name="slots"),
    path("searchApplicationIds", views.search_application_ids, name="applications"),
]
