"""Deployment checks for ``ecommune doctor``: one result per check, a clear message each.

Each check answers what an IT team asks after an install or an upgrade: can the
site reach its database, are migrations applied, does a task worker run, will
emails and SMS leave, can files be written, does Django's deploy check pass.
"""

import io
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from ecommune.conf.env import is_production

OK, WARNING, ERROR = "ok", "warning", "error"
DEVELOPMENT_EMAIL_BACKENDS = ("console", "locmem", "dummy", "filebased")
DEVELOPMENT_SMS_BACKENDS = ("console", "locmem", "dummy", "filebased")


@dataclass
class Result:
    name: str
    status: str
    message: str


def run_checks(worker_timeout: float | None = None) -> list[Result]:
    results = [check_database()]
    if results[0].status == ERROR:
        return results
    results += [
        check_migrations(),
        check_commune(),
        check_task_worker(worker_timeout),
        check_email(),
        check_sms(),
        check_storage(),
        check_deploy(),
    ]
    return results


def check_database() -> Result:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001  (any driver error means unreachable)
        return Result(_("Database"), ERROR, _("unreachable: %(error)s") % {"error": exc})
    return Result(_("Database"), OK, _("reachable (%(vendor)s)") % {"vendor": connection.vendor})


def check_migrations() -> Result:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return Result(
            _("Migrations"),
            ERROR,
            _("%(count)d not applied: run `manage.py migrate`.") % {"count": len(plan)},
        )
    return Result(_("Migrations"), OK, _("all applied"))


def check_commune() -> Result:
    from ecommune.core.models import Commune

    communes = list(Commune.unscoped.exclude(insee_code="").values_list("name", flat=True))
    if not communes:
        return Result(
            _("Communes"),
            ERROR,
            _(
                "no commune is configured: run "
                "`manage.py ecommune_setup_commune config/commune.json`."
            ),
        )
    return Result(_("Communes"), OK, ", ".join(sorted(communes)))


def check_task_worker(timeout: float | None = None) -> Result:
    """Enqueue a heartbeat and wait for a worker to run it."""
    from ecommune.core.tasks import heartbeat
    from ecommune.core.tasks_api import TaskResultStatus

    timeout = settings.ECOMMUNE_WORKER_HEARTBEAT_SECONDS if timeout is None else timeout
    name = _("Task worker")
    try:
        result = heartbeat.enqueue()
    except Exception as exc:  # noqa: BLE001
        return Result(name, ERROR, _("cannot enqueue a task: %(error)s") % {"error": exc})
    deadline = time.monotonic() + timeout
    while True:
        if result.status == TaskResultStatus.SUCCESSFUL:
            return Result(
                name, OK, _("a worker ran a test task (%(backend)s)") % {"backend": result.backend}
            )
        if result.status == TaskResultStatus.FAILED or time.monotonic() >= deadline:
            break
        time.sleep(0.5)
        result.refresh()
    return Result(
        name,
        ERROR,
        _(
            "no worker ran the test task within %(seconds)s s: start `manage.py db_worker` "
            "(with RQ: `manage.py rqworker --job-class django_tasks_rq.Job default`) "
            "as a service."
        )
        % {"seconds": int(timeout)},
    )


def _backend_kind(path: str) -> str:
    return path.rsplit(".", 2)[-2] if path.count(".") >= 2 else path


def check_email() -> Result:
    from django.core import mail

    name = _("Email")
    mailers = getattr(settings, "MAILERS", None)  # Django >= 6.1
    backend = mailers["default"]["BACKEND"] if mailers else settings.EMAIL_BACKEND
    kind = _backend_kind(backend)
    if kind in DEVELOPMENT_EMAIL_BACKENDS:
        status = ERROR if is_production() else WARNING
        return Result(
            name,
            status,
            _("%(backend)s: emails are not sent to residents (development backend).")
            % {"backend": backend},
        )
    try:
        connection = mail.mailers.default if mailers else mail.get_connection()
        connection.open()
        connection.close()
    except Exception as exc:  # noqa: BLE001
        return Result(
            name,
            ERROR,
            _("%(backend)s: cannot connect: %(error)s") % {"backend": backend, "error": exc},
        )
    return Result(name, OK, _("%(backend)s: connection opened") % {"backend": backend})


def check_sms() -> Result:
    name = _("SMS")
    backend = settings.SMS_BACKEND
    kind = _backend_kind(backend)
    if kind in DEVELOPMENT_SMS_BACKENDS:
        status = ERROR if is_production() else WARNING
        return Result(
            name,
            status,
            _("%(backend)s: SMS are not sent to residents (development backend).")
            % {"backend": backend},
        )
    try:
        from django.utils.module_loading import import_string

        import_string(backend)
    except ImportError as exc:
        return Result(
            name,
            ERROR,
            _("%(backend)s cannot be loaded: %(error)s") % {"backend": backend, "error": exc},
        )
    return Result(name, OK, backend)


def check_storage() -> Result:
    name = _("File storage")
    path = f"ecommune-doctor-{uuid.uuid4().hex}.txt"
    try:
        saved = default_storage.save(path, ContentFile(b"ecommune doctor"))
        default_storage.delete(saved)
    except Exception as exc:  # noqa: BLE001
        return Result(name, ERROR, _("cannot write: %(error)s") % {"error": exc})
    return Result(
        name, OK, _("writable (%(backend)s)") % {"backend": settings.STORAGES["default"]["BACKEND"]}
    )


def check_deploy() -> Result:
    name = _("Django deploy check")
    out = io.StringIO()
    try:
        call_command("check", deploy=True, fail_level="WARNING", stdout=out, stderr=out)
    except SystemExit:
        pass
    except Exception as exc:  # noqa: BLE001  (SystemCheckError carries the report)
        issues = [
            line
            for line in str(exc).splitlines()
            if line.startswith(("?", "ecommune", "security", "("))
        ]
        return Result(
            name,
            ERROR if is_production() else WARNING,
            _("%(count)d issue(s): %(first)s")
            % {"count": max(len(issues), 1), "first": (issues or [str(exc)])[0]},
        )
    return Result(name, OK, _("no issue"))
