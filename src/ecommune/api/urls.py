"""``/api/``: the docs page, the OpenAPI document and version 1 of the public API."""

from django.urls import include, path

from ecommune.api import agent_views, opendata, schema, views

app_name = "ecommune_api"

v1_patterns = [
    path("commune/", views.CommuneView.as_view(), name="commune"),
    path("services/", views.ServiceListView.as_view(), name="services"),
    path("services/<str:slug>/", views.ServiceDetailView.as_view(), name="service"),
    path("waiting-times/", views.WaitingTimeView.as_view(), name="waiting_times"),
    path("motives/", views.MotiveListView.as_view(), name="motives"),
    path("motives/<str:slug>/slots/", views.SlotListView.as_view(), name="slots"),
    path("news/", views.NewsView.as_view(), name="news"),
    path("events/", views.EventsView.as_view(), name="events"),
    path("satisfaction/", views.SatisfactionView.as_view(), name="satisfaction"),
    path("fiches/", views.FicheListView.as_view(), name="fiches"),
    path(
        "open-data/satisfaction.csv",
        opendata.SatisfactionCsvView.as_view(),
        name="satisfaction_csv",
    ),
    path(
        "open-data/satisfaction.json",
        opendata.SatisfactionJsonView.as_view(),
        name="satisfaction_json",
    ),
    path(
        "open-data/satisfaction.schema.json",
        opendata.SatisfactionSchemaView.as_view(),
        name="satisfaction_schema",
    ),
    path("agent/requests/", agent_views.RequestListView.as_view(), name="agent_requests"),
    path(
        "agent/requests/<str:reference>/",
        agent_views.RequestDetailView.as_view(),
        name="agent_request",
    ),
    path(
        "agent/requests/<str:reference>/status/",
        agent_views.StatusView.as_view(),
        name="agent_request_status",
    ),
    path(
        "agent/requests/<str:reference>/messages/",
        agent_views.MessageView.as_view(),
        name="agent_request_message",
    ),
    path(
        "agent/requests/<str:reference>/missing-piece/",
        agent_views.MissingPieceView.as_view(),
        name="agent_request_missing_piece",
    ),
    path(
        "agent/requests/<str:reference>/notes/",
        agent_views.NoteView.as_view(),
        name="agent_request_note",
    ),
    path(
        "agent/requests/<str:reference>/assignee/",
        agent_views.AssigneeView.as_view(),
        name="agent_request_assignee",
    ),
    path(
        "agent/requests/<str:reference>/documents/<str:document>/",
        agent_views.DocumentView.as_view(),
        name="agent_request_document",
    ),
]

urlpatterns = [
    path("", schema.docs_page, name="docs"),
    path("openapi.json", schema.openapi_json, name="openapi"),
    path("v1/", include(v1_patterns)),
]
