"""The agents' daily digest: their requests overdue or due within two working days.

One email per agent through the outbox (event ``agent.digest``), with the requests
assigned to them and the unassigned ones of their services. An agent with nothing due
gets nothing. The outbox key holds the agent and the day, so running the command twice
in a day sends one email.
"""

import datetime
from collections import defaultdict

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ecommune.accounts.models import Agent
from ecommune.core.models import Commune
from ecommune.core.registry import registry
from ecommune.core.tenancy import each_commune
from ecommune.notifications.models import OutboxMessage
from ecommune.notifications.services import notify
from ecommune.requests.models import Request
from ecommune.requests.statuses import closed_q
from ecommune.requests.workdays import add_working_days, subdivision_for_insee

DUE_WITHIN_WORKING_DAYS = 2


def due_for(agent: Agent, today: datetime.date) -> tuple[list[Request], list[Request]]:
    """(overdue, due soon) requests for ``agent`` on ``today``."""
    horizon = add_working_days(
        today, DUE_WITHIN_WORKING_DAYS, subdivision_for_insee(agent.commune.insee_code)
    )
    requests = (
        Request.objects.for_commune(agent.commune_id)
        .filter(
            service__in=list(agent.services),
            expected_answer_on__lte=horizon,
        )
        .filter(Q(assigned_to=agent.user) | Q(assigned_to__isnull=True))
        .exclude(closed_q())
        .order_by("expected_answer_on", "pk")
    )
    overdue, soon = [], []
    for filed in requests:
        (overdue if filed.expected_answer_on < today else soon).append(filed)
    return overdue, soon


def _item(filed: Request) -> dict:
    service = registry.get(filed.service) if filed.service in registry else None
    return {
        "reference": filed.reference,
        "service_title": str(service.title) if service else filed.service,
        "expected_answer_on": filed.expected_answer_on,
        "url": filed.commune.public_url(
            reverse("ecommune_inbox_detail", kwargs={"reference": filed.reference})
        ),
    }


def send_digests(today: datetime.date | None = None, commune=None) -> dict[str, int]:
    """Queue today's digest for every active agent with something due, commune by commune
    (or of ``commune`` only); returns counts."""
    today = today or timezone.localdate()
    counts: dict[str, int] = defaultdict(int)
    communes = Commune.base_queryset()
    if commune is not None:
        communes = communes.filter(pk=commune.pk)
    for current in each_commune(communes):
        _digest_commune(current, today, counts)
    return dict(counts)


def _digest_commune(commune, today, counts) -> None:
    agents = Agent.objects.select_related("user", "commune", "commune__site").filter(
        user__is_active=True, commune=commune
    )
    for agent in agents:
        overdue, soon = due_for(agent, today)
        if not overdue and not soon:
            counts["nothing_due"] += 1
            continue
        key = f"agent.digest:{agent.user_id}:{today:%Y-%m-%d}"
        if (
            OutboxMessage.objects.for_commune(agent.commune_id)
            .filter(idempotency_key=f"{key}:email")
            .exists()
        ):
            counts["already_sent"] += 1
            continue
        for filed in (*overdue, *soon):
            filed.commune = agent.commune  # one commune per agent: no query per row
        notify(
            "agent.digest",
            commune=agent.commune,
            context={
                "agent_name": agent.user.get_full_name(),
                "overdue": [_item(filed) for filed in overdue],
                "due_soon": [_item(filed) for filed in soon],
            },
            email=agent.user.email,
            related_reference=f"digest-{today:%Y-%m-%d}",
            idempotency_key=key,
        )
        counts["digests"] += 1
