from django.urls import path

from ecommune.requests import document_views, draft_views, resident_views, views

app_name = "ecommune_requests"

urlpatterns = [
    path("suivi/", views.track, name="track"),
    path("mes-demandes/", views.my_requests, name="mine"),
    path("mes-documents/", document_views.my_documents, name="documents"),
    path("mes-documents/<int:pk>/", document_views.download, name="document_download"),
    path("mes-documents/<int:pk>/supprimer/", document_views.delete, name="document_delete"),
    path("brouillons/<int:pk>/reprendre/", draft_views.resume, name="draft_resume"),
    path("brouillons/<int:pk>/supprimer/", draft_views.delete, name="draft_delete"),
    path("demande/<str:reference>/", views.detail, name="detail"),
    path("demande/<str:reference>/confirmation/", views.acknowledgment, name="acknowledgment"),
    path("demande/<str:reference>/repondre/", resident_views.answer, name="answer"),
    path("<slug:slug>/", views.service_wizard, name="wizard"),
    path("<slug:slug>/<str:step>/", views.service_wizard, name="wizard_step"),
]
