"""The resident's requests, documents and forms to finish in « Mes données »
(``ecommune.accounts.exports``): what they filed with their answers and the history they
can read, the files they gave (described; each downloads from « Mes documents ») and their
drafts with the answers kept so far."""

from django.db.models import Prefetch

from ecommune.accounts.exports import covers, exporters, own_fields
from ecommune.core.registry import registry
from ecommune.requests.models import Document, Draft, Request, RequestEvent


def _answers(filed) -> list[dict]:
    if filed.service not in registry:
        return []
    service = registry.get(filed.service)
    return [
        {"label": str(label), "value": str(value)}
        for label, value in service.summary_rows(service.stored_data(filed))
    ]


@exporters.register("requests")
@covers("ecommune_requests.Request.applicant")
def export_requests(user) -> list[dict]:
    visible = RequestEvent.objects.filter(visible_to_resident=True).order_by("created_at", "pk")
    filed = (
        Request.objects.filter(applicant=user)
        .order_by("submitted_at", "pk")
        .prefetch_related(Prefetch("events", queryset=visible, to_attr="visible_events"))
    )
    return [
        {
            **own_fields(row, exclude=("submission_key",)),
            "answers": _answers(row),
            "history": [
                own_fields(event, exclude=("visible_to_resident",)) for event in row.visible_events
            ],
        }
        for row in filed
    ]


@exporters.register("documents")
@covers("ecommune_requests.Document.owner")
def export_documents(user) -> list[dict]:
    documents = (
        Document.objects.filter(owner=user)
        .order_by("uploaded_at", "pk")
        .prefetch_related("requests")
    )
    return [
        {
            **own_fields(document, exclude=("file", "sha256")),
            "used_for": [filed.reference for filed in document.requests.all()],
        }
        for document in documents
    ]


@exporters.register("drafts")
@covers("ecommune_requests.Draft.owner")
def export_drafts(user) -> list[dict]:
    drafts = Draft.objects.filter(owner=user).order_by("updated_at", "pk")
    return [own_fields(draft, exclude=("fingerprint",)) for draft in drafts]
