"""Background tasks of the appointments, through the kit's Tasks API."""

from ecommune.appointments import services
from ecommune.core.tasks_api import task


@task()
def send_appointment_reminders() -> int:
    """Queue tomorrow's reminders; the same as the ``ecommune_appointment_reminders`` command."""
    return services.send_due_reminders()


@task()
def sync_ants_declarations(booking_id: int | None = None) -> dict[str, int]:
    """Tell ANTS of the appointments of the due pre-demand numbers (of one booking or all)."""
    from ecommune.appointments.ants_declarations import sync_due

    return sync_due(booking_id)
