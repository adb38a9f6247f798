"""The survey and its results, under /avis/."""

from django.urls import path

from ecommune.feedback import views

app_name = "ecommune_feedback"

urlpatterns = [
    path("", views.results, name="results"),
    path("<str:token>/", views.answer, name="answer"),
]
