"""The family space, mounted under /famille/ by ``ecommune.conf.urls``."""

from django.urls import path

from ecommune.services.school import activity_views, invoice_views, simulator, views

app_name = "ecommune_school"

urlpatterns = [
    path("", views.family, name="family"),
    path("simulateur/", simulator.simulator, name="simulator"),
    path("activites/", activity_views.activities_page, name="activities"),
    path("adresse/", views.address, name="address"),
    path("enfant/", views.child, name="child_add"),
    path("enfant/<int:pk>/", views.child, name="child_edit"),
    path("quotient-familial/", views.quotient, name="quotient"),
    path("inviter/", views.invite, name="invite"),
    path("certificat/<str:reference>.pdf", views.certificate, name="certificate"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("factures/", invoice_views.invoices, name="invoices"),
    path("factures/<str:number>.pdf", invoice_views.invoice_download, name="invoice_pdf"),
]
