from django.urls import path

from ecommune.servicepublic import views

app_name = "ecommune_servicepublic"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:publication_id>/", views.fiche, name="fiche"),
]
