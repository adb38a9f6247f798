"""Background tasks of the outbox, through the kit's Tasks API (``ecommune.core.tasks_api``).

``send_outbox_message`` is enqueued once the transaction that wrote a message
commits; ``retry_due_messages`` sends whatever is due again, for a site whose
scheduler enqueues tasks (the ``ecommune_send_outbox`` command does the same
from a timer). The work itself is in ``services``.
"""

from ecommune.core.tasks_api import task
from ecommune.core.tenancy import in_commune
from ecommune.notifications import services


@task()
@in_commune
def send_outbox_message(message_id: int) -> str:
    """Send one outbox message of the commune if it is due (enqueued as
    ``send_outbox_message.enqueue(commune_id, message_id)``); returns its status."""
    return services.deliver(message_id)


@task()
def retry_due_messages() -> dict[str, int]:
    """Send every message whose next attempt is due; returns counts by status."""
    return services.send_due_messages()
