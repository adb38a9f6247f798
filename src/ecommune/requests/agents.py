"""What an agent may see and do in the inbox, in one place for the views and the commands.

An agent works for one commune and some of its services (``accounts.Agent``); a superuser
sees every commune. Every action writes the request's history and the audit trail in the
same transaction, and queues the resident's email through the outbox.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template import Context
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ecommune.accounts.audit import audit
from ecommune.accounts.backoffice import AGENTS
from ecommune.notifications.rendering import compile_commune_template
from ecommune.requests import notify
from ecommune.requests.models import CannedReply, EventKind, Request, RequestEvent
from ecommune.requests.services import (
    agent_status_label,
    change_status,
    log_contact,
    waiting_status,
)


def agent_of(user):
    """The user's ``Agent`` row, or None (a superuser or a resident has none)."""
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "agent", None)


def can_use_inbox(user) -> bool:
    return AGENTS.allows(user)


def requests_for(user):
    """Every request ``user`` may handle: their commune's, in their services."""
    if user.is_superuser:
        return Request.objects.all()
    agent = agent_of(user)
    if agent is None:
        return Request.objects.none()
    return Request.objects.for_commune(agent.commune_id).filter(service__in=list(agent.services))


def colleagues_for(filed: Request):
    """The agents a request may be assigned to: same commune, handling its service."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, agent__commune_id=filed.commune_id)
        .order_by("first_name", "last_name", "email")
    )
    # ServiceListField is stored as JSON or text depending on the database: filter in Python.
    return [user for user in users.select_related("agent") if filed.service in user.agent.services]


def _record(http_request, action: str, filed: Request, summary: str) -> None:
    audit(http_request, action, filed, summary, commune=filed.commune)


@transaction.atomic
def assign(http_request, filed: Request, assignee) -> RequestEvent:
    """Give the request to ``assignee`` (None: back to the service's queue)."""
    if assignee is not None and assignee.pk not in {u.pk for u in colleagues_for(filed)}:
        raise ValidationError(
            _("This person is not an agent of this commune for this service."), code="assignee"
        )
    Request.objects.for_commune(filed.commune_id).filter(pk=filed.pk).update(
        assigned_to=assignee, updated_at=timezone.now()
    )
    filed.assigned_to = assignee
    name = (assignee.get_full_name() or assignee.email) if assignee else _("nobody")
    event = RequestEvent.objects.create(
        commune_id=filed.commune_id,
        request=filed,
        kind=EventKind.ASSIGNED,
        actor=http_request.user,
        text=_("Assigned to %(name)s") % {"name": name},
        visible_to_resident=False,
    )
    _record(http_request, "requests.assigned", filed, event.text)
    return event


@transaction.atomic
def set_status(http_request, filed: Request, new_status: str, comment: str = "") -> RequestEvent:
    old = filed.status
    service = filed.service_class()
    if new_status == waiting_status(service) and not comment.strip():
        raise ValidationError(_("Say what is missing."), code="required")
    event = change_status(filed, new_status, actor=http_request.user, comment=comment.strip())
    _record(
        http_request,
        "requests.status_changed",
        filed,
        f"{agent_status_label(service, old)} → {agent_status_label(service, new_status)}",
    )
    return event


def ask_missing_piece(http_request, filed: Request, missing: str) -> RequestEvent:
    """P10: the request waits for the resident, who gets a link to add what is missing."""
    waiting = waiting_status(filed.service_class())
    if waiting is None:
        raise ValidationError(
            _("This service has no « waiting for the resident » status."), code="no_status"
        )
    return set_status(http_request, filed, waiting, missing)


@transaction.atomic
def send_message(http_request, filed: Request, text: str) -> RequestEvent:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the message."), code="required")
    event = RequestEvent.objects.create(
        commune_id=filed.commune_id,
        request=filed,
        kind=EventKind.MESSAGE_TO_RESIDENT,
        actor=http_request.user,
        text=text,
    )
    notify.message_to_resident(filed, event)
    _record(http_request, "requests.message_sent", filed, text[:200])
    return event


@transaction.atomic
def add_note(http_request, filed: Request, text: str) -> RequestEvent:
    """An internal note: agents read it in the history, the resident never does."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the note."), code="required")
    event = RequestEvent.objects.create(
        commune_id=filed.commune_id,
        request=filed,
        kind=EventKind.NOTE,
        actor=http_request.user,
        text=text,
        visible_to_resident=False,
    )
    _record(http_request, "requests.note_added", filed, text[:200])
    return event


@transaction.atomic
def record_contact(http_request, filed: Request, channel: str, text: str) -> RequestEvent:
    event = log_contact(filed, channel=channel, actor=http_request.user, text=text)
    _record(
        http_request,
        "requests.contact_logged",
        filed,
        f"{event.get_channel_display()}: {event.text[:200]}",
    )
    return event


def record_download(http_request, filed: Request, document) -> None:
    _record(http_request, "requests.document_downloaded", filed, document.title)


# Canned replies --------------------------------------------------------------------------


def canned_replies_for(filed: Request):
    return (
        CannedReply.objects.for_commune(filed.commune_id)
        .filter(service__in=[filed.service, ""])
        .order_by("title", "pk")
    )


def reply_context(filed: Request, agent_user) -> dict:
    """The variables a canned reply may use."""
    return {
        "reference": filed.reference,
        "applicant_name": filed.applicant_name,
        "service_title": str(filed.service_class().title),
        "expected_answer_on": date_format(filed.expected_answer_on, "j F Y")
        if filed.expected_answer_on
        else "",
        "agent_name": agent_user.get_full_name() or agent_user.email,
        "commune_name": filed.commune.name,
    }


REPLY_VARIABLES = (
    "reference",
    "applicant_name",
    "service_title",
    "expected_answer_on",
    "agent_name",
    "commune_name",
)


def render_canned_reply(reply: CannedReply, filed: Request, agent_user) -> str:
    """The reply's text for this request, through the sandboxed template engine."""
    template = compile_commune_template(reply.body)
    return template.render(Context(reply_context(filed, agent_user), autoescape=False)).strip()
