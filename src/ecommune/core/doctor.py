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
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from ecommune.core.env import is_production

OK, WARNING, ERROR = "ok", "warning", "error"
DEVELOPMENT_EMAIL_BACKENDS = ("console", "locmem", "dummy", "filebased")
DEVELOPMENT_SMS_BACKENDS = ("console", "locmem", "dummy", "filebased")


@dataclass
class Result:
    name: str
    status: str
    message: str


def run_checks(worker_timeout: float | None = None) -> list[Result]:
    """Every check, in order; a check that crashes is a failed line, never a traceback.

    On an unmigrated database the checks that read the kit's tables are left out: the
    migrations line says what to do first.
    """
    results = [_guarded(check_database)]
    if results[0].status == ERROR:
        return results
    migrations = _guarded(check_migrations)
    results.append(migrations)
    if migrations.status == OK:
        results += [
            _guarded(check_commune),
            _guarded(check_task_worker, worker_timeout),
        ]
    results += [
        _guarded(check_cache),
        _guarded(check_email),
        _guarded(check_sms),
        _guarded(check_storage),
        _guarded(check_private_storage),
        _guarded(check_static_manifest),
    ]
    if migrations.status == OK:
        results += [_guarded(check, job) for check, job in _periodic_checks()]
    results.append(_guarded(check_deploy))
    return results


def _periodic_checks():
    from ecommune.core import periodic

    return [(check_periodic_job, job) for job in periodic.jobs()]


def _ago(delta) -> str:
    now = timezone.now()
    return timesince(now - delta, now)


def check_periodic_job(job) -> Result:
    """The job succeeded within its period (a job first seen by the scheduler gets one)."""
    from ecommune.core.models import PeriodicJobRun

    name = _("Periodic job %(name)s") % {"name": job.name}
    every = _ago(job.period)
    record = PeriodicJobRun.objects.filter(name=job.name).first()
    if record is None:
        return Result(
            name,
            ERROR if is_production() else WARNING,
            _(
                "never scheduled: start the scheduler (`manage.py ecommune_schedule`, unit "
                "ecommune-schedule)."
            ),
        )
    now = timezone.now()
    last = record.last_success_at
    if last is None:
        if now - record.first_seen_at <= job.period:
            return Result(
                name,
                OK,
                _("scheduled %(when)s ago, not run yet (period %(every)s)")
                % {"when": timesince(record.first_seen_at, now), "every": every},
            )
        detail = _("never succeeded")
    elif now - last <= job.period:
        return Result(
            name,
            OK,
            _("succeeded %(when)s ago (period %(every)s)")
            % {"when": timesince(last, now), "every": every},
        )
    else:
        detail = _("last success %(when)s ago") % {"when": timesince(last, now)}
    failure = ""
    if record.last_succeeded is False:
        lines = [line for line in record.last_output.splitlines() if line.strip()]
        failure = " " + (_("Last error: %(error)s") % {"error": lines[-1] if lines else "?"})
    return Result(
        name,
        ERROR,
        _(
            "%(detail)s, beyond its period of %(every)s: check the scheduler "
            "(`journalctl -u ecommune-schedule`) or run `manage.py ecommune_run_job %(job)s`."
        )
        % {"detail": detail, "every": every, "job": job.name}
        + failure,
    )


def _guarded(check, *args) -> Result:
    try:
        return check(*args)
    except Exception as exc:  # noqa: BLE001  (a check that crashes is a failed check)
        name = check.__name__.removeprefix("check_").replace("_", " ").capitalize()
        return Result(name, ERROR, _("the check failed: %(error)s") % {"error": _one_line(exc)})


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text if len(text) <= 300 else text[:297] + "..."


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

    communes = list(Commune.base_queryset().exclude(insee_code="").values_list("name", flat=True))
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
    import sms

    try:
        connection = sms.get_connection(backend)
    except ImportError as exc:
        return Result(
            name,
            ERROR,
            _("%(backend)s cannot be loaded: %(error)s")
            % {"backend": backend, "error": _one_line(exc)},
        )
    except Exception as exc:  # noqa: BLE001  (ImproperlyConfigured, a missing setting...)
        return Result(
            name,
            ERROR,
            _("%(backend)s is not configured: %(error)s")
            % {"backend": backend, "error": _one_line(exc)},
        )
    check = getattr(connection, "check_configuration", None)
    if check is not None:
        try:
            check()
        except Exception as exc:  # noqa: BLE001
            return Result(
                name,
                ERROR,
                _("%(backend)s is not configured: %(error)s")
                % {"backend": backend, "error": _one_line(exc)},
            )
    return Result(name, OK, backend)


def check_cache() -> Result:
    """The default cache (Redis with REDIS_URL) answers a write and a read."""
    from django.core.cache import cache

    name = _("Cache")
    backend = settings.CACHES["default"]["BACKEND"]
    key = f"ecommune-doctor-{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", 30)
        value = cache.get(key)
        cache.delete(key)
    except Exception as exc:  # noqa: BLE001  (redis.ConnectionError and the like)
        return Result(
            name,
            ERROR,
            _("%(backend)s unreachable: %(error)s: check REDIS_URL and the Redis service.")
            % {"backend": backend, "error": _one_line(exc)},
        )
    if value != "ok":
        return Result(
            name,
            ERROR,
            _("%(backend)s does not keep what is written: check REDIS_URL.") % {"backend": backend},
        )
    return Result(name, OK, _("reachable (%(backend)s)") % {"backend": backend})


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


def _inside(path, folder) -> bool:
    from pathlib import Path

    if not folder:
        return False
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents


def check_private_storage() -> Result:
    """Residents' documents: writable, and never where the web server serves files to anyone."""
    from django.core.files.storage import storages

    name = _("Private storage")
    storage = storages["private"]
    location = getattr(storage, "location", None)
    if location is not None and getattr(storage, "bucket_name", None) is None:
        served = ((settings.MEDIA_ROOT, "MEDIA_ROOT"), (settings.STATIC_ROOT, "STATIC_ROOT"))
        for folder, setting in served:
            if _inside(location, folder):
                return Result(
                    name,
                    ERROR,
                    _(
                        "%(location)s is inside %(setting)s, which the web server serves to "
                        "anyone: set PRIVATE_ROOT to a folder outside it."
                    )
                    % {"location": location, "setting": setting},
                )
    elif getattr(storage, "bucket_name", None) is not None and (
        getattr(storage, "default_acl", None) not in (None, "private")
        or not getattr(storage, "querystring_auth", True)
    ):
        return Result(
            name,
            ERROR,
            _(
                "the bucket's files are public (default_acl %(acl)s, querystring_auth "
                "%(auth)s): keep private storage's default_acl private and signed URLs."
            )
            % {"acl": storage.default_acl, "auth": storage.querystring_auth},
        )
    path = f"ecommune-doctor-{uuid.uuid4().hex}.txt"
    try:
        saved = storage.save(path, ContentFile(b"ecommune doctor"))
        with storage.open(saved) as handle:
            content = handle.read()
        storage.delete(saved)
    except Exception as exc:  # noqa: BLE001
        return Result(
            name,
            ERROR,
            _("cannot write %(location)s: %(error)s: give the site's user write access.")
            % {"location": location or storage.__class__.__name__, "error": _one_line(exc)},
        )
    if content != b"ecommune doctor":
        return Result(name, ERROR, _("what is written is not read back."))
    if getattr(storage, "bucket_name", None) is not None:
        public = _publicly_readable(storage)
        if public:
            return Result(name, ERROR, public)
    return Result(
        name, OK, _("writable, not served publicly (%(location)s)") % {"location": location or ""}
    )


def _publicly_readable(storage) -> str:
    """An S3 bucket: a file fetched without signature must be refused."""
    from urllib.error import HTTPError, URLError
    from urllib.request import urlopen

    saved = storage.save(f"ecommune-doctor-{uuid.uuid4().hex}.txt", ContentFile(b"private"))
    try:
        url = storage.url(saved).split("?", 1)[0]
        try:
            with urlopen(url, timeout=10) as response:  # noqa: S310  (the bucket's own URL)
                if response.status == 200:
                    return _(
                        "a file of the bucket is readable without a signature at %(url)s: make "
                        "the bucket private."
                    ) % {"url": url}
        except (HTTPError, URLError, OSError):
            return ""
        return ""
    finally:
        storage.delete(saved)


def check_static_manifest() -> Result:
    """Production's hashed static files: without `collectstatic`, every page answers 500."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.core.files.storage import storages

    name = _("Static files")
    staticfiles_storage = storages["staticfiles"]
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return Result(name, OK, _("served without a manifest (development)"))
    manifest = staticfiles_storage.load_manifest()
    if isinstance(manifest, tuple):  # Django >= 5.2 returns (paths, hash)
        manifest = manifest[0]
    if not manifest:
        return Result(
            name,
            ERROR,
            _(
                "no manifest in %(root)s: run `manage.py collectstatic --noinput` (without it "
                "every page answers 500)."
            )
            % {"root": settings.STATIC_ROOT},
        )
    return Result(name, OK, _("%(count)d files in the manifest") % {"count": len(manifest)})


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
