"""The task worker for whichever backend the settings choose: the unit never changes.

``ECOMMUNE_TASKS_BACKEND=database`` (the default) runs django-tasks-db's ``db_worker``;
``ECOMMUNE_TASKS_BACKEND=rq`` runs django-rq's ``rqworker`` with django-tasks-rq's job class
on the configured queues. ``deploy/systemd/ecommune-worker.service`` starts this command,
so switching backends is a line of ``.env`` and a restart.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from ecommune.core.command_arguments import bad_input


def worker_command(tasks: dict | None = None) -> tuple[str, list[str]]:
    """The management command and arguments that run the default backend's tasks."""
    backend = (tasks or settings.TASKS)["default"]
    path = backend["BACKEND"]
    if path.startswith("django_tasks_db."):
        return "db_worker", []
    if path.startswith("django_tasks_rq."):
        queues = backend.get("QUEUES") or ["default"]
        return "rqworker", ["--job-class", "django_tasks_rq.Job", *queues]
    raise bad_input(
        f"The task backend {path} has no worker to run: set ECOMMUNE_TASKS_BACKEND to "
        "database or rq."
    )


class Command(BaseCommand):
    help = "Run the task worker of the configured backend (database: db_worker; rq: rqworker)."

    def handle(self, *args, **options):
        name, arguments = worker_command()
        self.stdout.write(f"ecommune worker: manage.py {name} {' '.join(arguments)}".rstrip())
        call_command(name, *arguments)
