"""Residents' appointment pages, mounted under /rendez-vous/."""

from django.urls import path

from ecommune.appointments import identity_documents, views

app_name = "ecommune_appointments"

urlpatterns = [
    path("", views.motives, name="motives"),
    path("mes-rendez-vous/", views.my_appointments, name="mine"),
    path(
        "mes-pieces-d-identite/",
        identity_documents.identity_documents,
        name="identity_documents",
    ),
    path("flux/<str:token>.ics", views.counter_feed, name="feed"),
    path("annuler/<str:token>/", views.cancel, name="cancel"),
    path("deplacer/<str:token>/", views.move, name="move"),
    path("confirmation/<str:reference>/", views.confirmation, name="confirmation"),
    path("confirmation/<str:reference>/rendez-vous.ics", views.booking_ics, name="ics"),
    path("<slug:slug>/", views.slots, name="slots"),
    path("<slug:slug>/reserver/", views.book, name="book"),
]
