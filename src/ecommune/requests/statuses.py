"""The statuses a request goes through, and the transitions between them.

Every service may declare its own set (``Service.statuses`` and
``Service.transitions``); these are the common ones most services use as is.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_RESIDENT = "waiting_resident", _("Waiting for you")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


#: How agents read the statuses whose common label speaks to the resident (« En attente de
#: votre part »): the back office names who is awaited instead.
AGENT_LABELS: dict[str, str] = {
    Status.WAITING_RESIDENT: _("Waiting for the applicant"),
}


#: Where a request may go from each status (agents' actions; the resident may cancel).
DEFAULT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.SUBMITTED: (
        Status.IN_PROGRESS,
        Status.WAITING_RESIDENT,
        Status.ACCEPTED,
        Status.REJECTED,
        Status.DONE,
        Status.CANCELLED,
    ),
    Status.IN_PROGRESS: (
        Status.WAITING_RESIDENT,
        Status.ACCEPTED,
        Status.REJECTED,
        Status.DONE,
        Status.CANCELLED,
    ),
    Status.WAITING_RESIDENT: (Status.IN_PROGRESS, Status.REJECTED, Status.CANCELLED),
    Status.ACCEPTED: (Status.DONE,),
    Status.REJECTED: (),
    Status.DONE: (),
    Status.CANCELLED: (),
}

#: Statuses after which the request is closed: no delay runs, no reminder is sent.
CLOSED_STATUSES = frozenset({Status.REJECTED, Status.DONE, Status.CANCELLED})


def closed_statuses(service) -> frozenset[str]:
    """The statuses that close a request of ``service``: its declared ``closed_statuses``,
    or the common ones."""
    declared = getattr(service, "closed_statuses", None) if service is not None else None
    return frozenset(declared) if declared is not None else CLOSED_STATUSES


def closed_q():
    """A ``Q`` on ``Request`` matching closed requests, whatever their service's set: one
    condition per service that declares its own closed statuses, the common set for the
    rest."""
    from django.db.models import Q

    from ecommune.core.registry import registry

    own = [s for s in registry if s.closed_statuses is not None]
    query = Q(status__in=CLOSED_STATUSES) & ~Q(service__in=[s.slug for s in own])
    for service in own:
        query |= Q(service=service.slug, status__in=service.closed_statuses)
    return query
