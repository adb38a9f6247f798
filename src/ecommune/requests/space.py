"""The requests' sections of « Mon espace » (``ecommune.accounts.space``): what waits
for the resident (a missing piece the town hall asked for), the forms they started and did
not send (drafts), their latest requests, and their documents."""

from django.db.models import Count, Q
from django.utils import timezone

from ecommune.accounts.space import Section
from ecommune.requests import drafts
from ecommune.requests.models import Document, Draft, Request

#: How many of the latest requests and documents the page shows (the full lists are a
#: link away).
LATEST = 5


def _followed(request):
    from ecommune.requests.views import followed_by

    return Request.objects.filter(followed_by(request.user))


def _waiting(request):
    return _followed(request).filter(waiting_since__isnull=False, closed_at__isnull=True)


def waiting_context(request):
    """The requests waiting for the resident (a missing piece): first on the page."""
    waiting = list(_waiting(request).order_by("waiting_since"))
    return {"waiting": waiting} if waiting else None


def requests_context(request):
    latest = list(
        _followed(request)
        .exclude(pk__in=_waiting(request).values("pk"))
        .order_by("-submitted_at")[:LATEST]
    )
    return {"latest": latest}


def drafts_context(request):
    """The forms the resident started and did not send, with the day each will be deleted."""
    kept = list(Draft.objects.filter(owner=request.user).order_by("-updated_at"))
    if not kept:
        return None
    for draft in kept:
        draft.kept_until = draft.updated_at + drafts.retention()
    return {"drafts": kept}


def documents_context(request):
    documents = list(
        Document.objects.filter(owner=request.user, expires_at__gt=timezone.now())
        .annotate(in_progress=Count("requests", filter=Q(requests__closed_at__isnull=True)))
        .order_by("-uploaded_at")[: LATEST + 1]
    )
    return {"documents": documents[:LATEST], "more": len(documents) > LATEST}


SECTIONS = (
    Section(
        name="waiting",
        template="ecommune_requests/space_waiting.html",
        context=waiting_context,
        order=5,
    ),
    Section(
        name="drafts",
        template="ecommune_requests/space_drafts.html",
        context=drafts_context,
        order=7,
    ),
    Section(
        name="requests",
        template="ecommune_requests/space_requests.html",
        context=requests_context,
        order=10,
    ),
    Section(
        name="documents",
        template="ecommune_requests/space_documents.html",
        context=documents_context,
        order=40,
    ),
)
