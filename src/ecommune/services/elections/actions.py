"""The elections office's actions on a registration request, declared on the service as
``desk_actions`` (enter it in the national electoral register, record it registered, refuse
it with the reason and the L18 remedy) and run by the engine (``requests.desk_actions``),
which checks each transition, writes the history and the audit trail and queues the
resident's email in one transaction. The functions here run them for commands and tests;
the 5-day notice (L18) is computed here too."""

import datetime

from django.utils import timezone

from ecommune.requests import desk_actions
from ecommune.services.elections.models import Registration
from ecommune.services.elections.service import OPEN_STATUSES, ElectionsService

#: L18: the mayor decides within 5 days of the filing.
DECISION_DAYS = 5


def decision_due(filed) -> datetime.date:
    return timezone.localdate(filed.submitted_at) + datetime.timedelta(days=DECISION_DAYS)


def is_overdue(filed, today=None) -> bool:
    """An open request whose 5 days (L18) have passed."""
    return filed.status in OPEN_STATUSES and (today or timezone.localdate()) > decision_due(filed)


def keep_refusal_reason(http_request, filed, cleaned) -> None:
    """The « refuse » action's own work: the reason stays on the registration."""
    Registration.objects.for_commune(filed.commune_id).filter(request=filed).update(
        refusal_reason=cleaned["reason"]
    )


def _run(name, filed, *, actor, reason=""):
    action = desk_actions.named(ElectionsService, name)
    return desk_actions.run(action, filed, {"reason": reason}, actor=actor)


def enter_in_reu(filed, *, actor):
    return _run("reu", filed, actor=actor)


def mark_registered(filed, *, actor):
    return _run("registered", filed, actor=actor)


def refuse(filed, *, actor, reason: str):
    return _run("refuse", filed, actor=actor, reason=reason)
