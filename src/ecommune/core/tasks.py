"""Background tasks of the core: the worker heartbeat that `ecommune doctor` waits for."""

from django.utils import timezone

from ecommune.core.tasks_api import task


@task()
def heartbeat() -> str:
    """Proves a task worker is running: doctor enqueues it and waits for its result."""
    return timezone.now().isoformat()
