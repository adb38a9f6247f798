"""The elections office's actions on a registration request: enter it in the national
electoral register (REU), record it registered, or refuse it with the reason. The
engine's ``change_status`` checks each transition, writes the history and queues the
resident's email in the same transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecommune.requests.services import change_status
from ecommune.services.elections.models import Registration
from ecommune.services.elections.service import OPEN_STATUSES, Status

#: L18: the mayor decides within 5 days of the filing.
DECISION_DAYS = 5


def decision_due(filed) -> datetime.date:
    return timezone.localdate(filed.submitted_at) + datetime.timedelta(days=DECISION_DAYS)


def is_overdue(filed, today=None) -> bool:
    """An open request whose 5 days (L18) have passed."""
    return filed.status in OPEN_STATUSES and (today or timezone.localdate()) > decision_due(filed)


@transaction.atomic
def enter_in_reu(filed, *, actor):
    return change_status(
        filed,
        Status.IN_REU,
        actor=actor,
        comment=_("Your request is accepted and is being entered in the national register."),
    )


@transaction.atomic
def mark_registered(filed, *, actor):
    return change_status(
        filed,
        Status.REGISTERED,
        actor=actor,
        comment=_("You are registered on the electoral roll. Your voter card is sent by post."),
    )


@transaction.atomic
def refuse(filed, *, actor, reason: str):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason: it is sent to the applicant."), code="required")
    event = change_status(
        filed,
        Status.REFUSED,
        actor=actor,
        comment=_(
            "The mayor refused your registration: %(reason)s You may contest this decision "
            "before the control commission (commission de contrôle) within 5 days of its "
            "notification (Code électoral, L18)."
        )
        % {"reason": reason},
    )
    Registration.unscoped.filter(request=filed).update(refusal_reason=reason)
    return event
