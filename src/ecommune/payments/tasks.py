"""Background tasks of payments, through the kit's Tasks API."""

from ecommune.core.tasks_api import task
from ecommune.payments import settlement


@task()
def reconcile_payments(older_than_minutes: int = 30) -> dict:
    """Ask the banks about payments with no news; the same as the
    ``ecommune_reconcile_payments`` command (run it every 15 minutes or so)."""
    return settlement.reconcile(older_than_minutes=older_than_minutes)
