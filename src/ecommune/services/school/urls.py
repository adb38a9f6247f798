"""The school's pages of the family space, mounted under /famille/ by
``ecommune.conf.urls`` beside ``ecommune.families.urls``."""

from django.urls import path

from ecommune.services.school import activity_views, simulator, views

app_name = "ecommune_school"

urlpatterns = [
    path("simulateur/", simulator.simulator, name="simulator"),
    path("activites/", activity_views.activities_page, name="activities"),
    path("certificat/<str:reference>.pdf", views.certificate, name="certificate"),
]
