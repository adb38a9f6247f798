"""Background tasks of the webhooks, through the kit's Tasks API (as the outbox's)."""

from ecommune.core.tasks_api import task
from ecommune.core.tenancy import in_commune
from ecommune.webhooks import services


@task()
@in_commune
def send_webhook(delivery_id: int) -> str:
    """Send one delivery of the commune if it is due (``send_webhook.enqueue(commune_id,
    delivery_id)``); returns its status."""
    return services.deliver(delivery_id)


@task()
def retry_due_webhooks() -> dict[str, int]:
    """Send every delivery whose next attempt is due; returns counts by status."""
    return services.send_due_deliveries()
