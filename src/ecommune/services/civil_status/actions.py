"""The registry office's actions on a certificate request, for the back office and commands.

Each moves the engine's status (``change_status`` checks the transition, writes the
history and queues the resident's email in the same transaction) and records the
outcome on the service's own row. ``sent``, ``not_found`` and ``not_entitled`` are the
``perform`` of the service's ``desk_actions`` (the agent's request, the request, the
desk form's answers).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ecommune.requests.services import change_status
from ecommune.services.civil_status.models import CertificateRequest, Outcome
from ecommune.services.civil_status.service import Status


@transaction.atomic
def start(filed, *, actor):
    """The agent takes the request to look the act up in the registers."""
    return change_status(filed, Status.IN_PROGRESS, actor=actor)


@transaction.atomic
def mark_sent(filed, *, actor, sent_on: datetime.date):
    if sent_on > timezone.localdate():
        raise ValidationError(_("The date of sending cannot be after today."), code="future")
    if sent_on < timezone.localdate(filed.submitted_at):
        raise ValidationError(
            _("The date of sending cannot be before the request was filed."), code="past"
        )
    event = change_status(
        filed,
        Status.SENT,
        actor=actor,
        comment=_("Sent by post on %(date)s.") % {"date": date_format(sent_on, "j F Y")},
    )
    CertificateRequest.objects.for_commune(filed.commune_id).filter(request=filed).update(
        outcome=Outcome.SENT, sent_on=sent_on, outcome_reason=""
    )
    return event


@transaction.atomic
def mark_not_found(filed, *, actor, reason: str):
    reason = _require(reason)
    event = change_status(
        filed,
        Status.NOT_DELIVERED,
        actor=actor,
        comment=_("The act was not found in our registers: %(reason)s") % {"reason": reason},
    )
    CertificateRequest.objects.for_commune(filed.commune_id).filter(request=filed).update(
        outcome=Outcome.NOT_FOUND, outcome_reason=reason
    )
    return event


@transaction.atomic
def mark_not_entitled(filed, *, actor, reason: str):
    reason = _require(reason)
    event = change_status(
        filed,
        Status.NOT_DELIVERED,
        actor=actor,
        comment=_(
            "The law does not allow us to deliver this document to you: %(reason)s "
            "You may ask for an extract without parentage, which anyone may obtain."
        )
        % {"reason": reason},
    )
    CertificateRequest.objects.for_commune(filed.commune_id).filter(request=filed).update(
        outcome=Outcome.NOT_ENTITLED, outcome_reason=reason
    )
    return event


def _require(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason: it is sent to the applicant."), code="required")
    return reason


def sent(http_request, filed, cleaned):
    return mark_sent(filed, actor=http_request.user, sent_on=cleaned["sent_on"])


def not_found(http_request, filed, cleaned):
    return mark_not_found(filed, actor=http_request.user, reason=cleaned["reason"])


def not_entitled(http_request, filed, cleaned):
    return mark_not_entitled(filed, actor=http_request.user, reason=cleaned["reason"])
