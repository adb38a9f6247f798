"""Background tasks of the appointments, through the kit's Tasks API."""

from ecommune.appointments import services
from ecommune.core.tasks_api import task


@task()
def send_appointment_reminders() -> int:
    """Queue tomorrow's reminders; the same as the ``ecommune_appointment_reminders`` command."""
    return services.send_due_reminders()
