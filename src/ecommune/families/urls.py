"""The family space, mounted under /famille/ by ``ecommune.conf.urls`` (the school's pages
and the invoices are mounted there too, by their own apps' URLconfs)."""

from django.urls import path

from ecommune.families import views

app_name = "ecommune_families"

urlpatterns = [
    path("", views.family, name="family"),
    path("adresse/", views.address, name="address"),
    path("enfant/", views.child, name="child_add"),
    path("enfant/<int:pk>/", views.child, name="child_edit"),
    path("quotient-familial/", views.quotient, name="quotient"),
    path("inviter/", views.invite, name="invite"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
