"""The resident's side of « something is missing » (Proposition 10): the signed link that
opens the answer page without signing in, and the answer itself.

The link carries a token from ``django.core.signing`` bound to the request (its id and
reference) and valid ``ECOMMUNE_ANSWER_LINK_DAYS`` days (30 by default): whoever holds the
email may answer that request, and only that one. A signed-in owner needs no token.
"""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ecommune.requests.models import Channel, EventKind, Request, RequestEvent

SALT = "ecommune.requests.answer"
DEFAULT_LINK_DAYS = 30


def link_max_age() -> int:
    return int(getattr(settings, "ECOMMUNE_ANSWER_LINK_DAYS", DEFAULT_LINK_DAYS)) * 86400


def make_token(filed: Request) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object([filed.pk, filed.reference])


def token_matches(filed: Request, token: str) -> bool:
    """Whether ``token`` was made for ``filed`` and has not expired."""
    if not token:
        return False
    try:
        value = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=link_max_age())
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return False
    return value == [filed.pk, filed.reference]


def answer_path(filed: Request, *, with_token: bool = True) -> str:
    path = reverse("ecommune_requests:answer", kwargs={"reference": filed.reference})
    return f"{path}?jeton={make_token(filed)}" if with_token else path


@transaction.atomic
def resident_answer(filed: Request, *, text: str = "", documents=(), user=None) -> RequestEvent:
    """Record the resident's answer (text and/or documents); a request waiting for them goes
    back to « in progress » in the agents' queue, and the assigned agent is told."""
    from ecommune.requests import notify
    from ecommune.requests.services import allowed_transitions, change_status, waiting_status
    from ecommune.requests.statuses import Status

    text = (text or "").strip()
    documents = list(documents)
    if not text and not documents:
        raise ValidationError(_("Write an answer or add a document."), code="empty")
    filed = Request.objects.for_commune(filed.commune_id).select_related("commune").get(pk=filed.pk)
    if filed.is_closed:
        raise ValidationError(_("This request is closed: it takes no more answers."), code="closed")
    for document in documents:
        document.requests.add(filed)
    lines = [text] if text else []
    if documents:
        lines.append(str(_("Documents added:")) + " " + ", ".join(d.title for d in documents))
    event = RequestEvent.objects.create(
        commune_id=filed.commune_id,
        request=filed,
        kind=EventKind.MESSAGE_FROM_RESIDENT,
        channel=Channel.WEB,
        actor=user if user is not None and user.is_authenticated else None,
        text="\n".join(lines),
    )
    service = filed.service_class()
    waiting = waiting_status(service)
    if (
        waiting is not None
        and filed.status == waiting
        and Status.IN_PROGRESS in allowed_transitions(service, filed.status)
    ):
        change_status(
            filed,
            Status.IN_PROGRESS,
            actor=event.actor,
            comment=str(_("The resident answered.")),
            notify_resident=False,
        )
        filed.refresh_from_db()
    notify.resident_replied(filed, event)
    return event
