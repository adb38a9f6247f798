"""Publishing a designed procedure: its draft frozen into a new version."""

from django.db import transaction

from ecommune.core.portal_cache import forget_portal
from ecommune.procedures.models import ProcedureVersion
from ecommune.procedures.schema import schema_of


def publish_procedure(procedure, user=None) -> ProcedureVersion | None:
    """Freeze the draft into a new version when it differs from the latest one; give the
    procedure to the agents of its group. Returns the new version, or None when nothing
    changed (``ValueError`` when the draft has problems)."""
    schema = schema_of(procedure)
    with transaction.atomic():
        latest = procedure.versions.select_for_update().order_by("-number").first()
        if latest is not None and latest.schema == schema:
            return None
        version = ProcedureVersion.objects.create(
            commune=procedure.commune,
            procedure=procedure,
            number=(latest.number + 1) if latest else 1,
            schema=schema,
            published_by=user,
        )
        if procedure.agents_group_id:
            give_to_group(procedure)
        forget_portal(procedure.commune_id)  # the portal lists it now
    return version


def give_to_group(procedure) -> None:
    from ecommune.accounts.models import Agent

    agents = Agent.objects.filter(commune=procedure.commune, user__groups=procedure.agents_group_id)
    for agent in agents:
        if procedure.slug not in (agent.services or []):
            agent.services = [*(agent.services or []), procedure.slug]
            agent.save(update_fields=["services"])
