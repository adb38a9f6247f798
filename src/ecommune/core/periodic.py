"""The kit's periodic jobs, declared once: what runs, when, and how long it may go unrun.

Each job is a management command run on a cron schedule (Europe/Paris, the site's
``TIME_ZONE``) by one scheduler process, ``manage.py ecommune_schedule`` (APScheduler),
which the generated ``deploy/systemd/ecommune-schedule.service`` starts. Every run is
recorded in ``PeriodicJobRun`` (start, end, outcome, the command's last lines), and
``ecommune doctor`` fails when a job has not succeeded within its ``period``.

The commands belong to the apps above the core; they are named here by string (a
command name is a setting-like reference, not an import). A site adds its own jobs
with ``ECOMMUNE_PERIODIC_JOBS`` (a list of dicts with the fields below) and turns one
of the kit's off with ``ECOMMUNE_PERIODIC_JOBS_DISABLED`` (a list of names).
"""

import datetime
import io
import logging
import time
import traceback
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

logger = logging.getLogger(__name__)
OUTPUT_LIMIT = 4000


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    command: str
    cron: str
    #: The longest time between two successful runs before ``ecommune doctor`` fails.
    period: datetime.timedelta
    description: str
    args: tuple[str, ...] = field(default=())

    def command_line(self) -> str:
        return " ".join(["manage.py", self.command, *self.args])


def _hours(count: float) -> datetime.timedelta:
    return datetime.timedelta(hours=count)


#: The kit's jobs. The period leaves room for one missed run's lateness, not for two.
KIT_JOBS = (
    PeriodicJob(
        "outbox",
        "ecommune_send_outbox",
        "* * * * *",
        datetime.timedelta(minutes=15),
        "Send the emails and SMS whose attempt is due (and retry the refused ones).",
    ),
    PeriodicJob(
        "webhooks",
        "ecommune_send_webhooks",
        "* * * * *",
        datetime.timedelta(minutes=15),
        "Send the webhook deliveries whose attempt is due (retry the endpoints that failed).",
    ),
    PeriodicJob(
        "purge-documents",
        "ecommune_purge_documents",
        "15 3 * * *",
        _hours(26),
        "Delete the documents past their retention and the files of unfinished forms.",
    ),
    PeriodicJob(
        "forget-appointments",
        "ecommune_forget_appointments",
        "30 3 * * *",
        _hours(26),
        "Erase who came to appointments past their retention, and past queue tickets' phones.",
    ),
    PeriodicJob(
        "agent-digest",
        "ecommune_agent_digest",
        "30 7 * * 1-5",
        # Friday morning to Monday morning, and one hour of slack.
        _hours(73),
        "Email each agent the requests overdue or due within two working days.",
    ),
    PeriodicJob(
        "appointment-reminders",
        "ecommune_appointment_reminders",
        "0 17 * * *",
        _hours(26),
        "Queue the reminders of tomorrow's appointments.",
    ),
    PeriodicJob(
        "agenda-reminders",
        "ecommune_agenda_reminders",
        "0 8 * * *",
        _hours(26),
        "Email the residents who asked for it a few days before each date of their agenda.",
    ),
    PeriodicJob(
        "ants-sync",
        "ecommune_ants_sync",
        "*/10 * * * *",
        _hours(1),
        "Declare to ANTS the appointments whose declaration is due.",
    ),
    PeriodicJob(
        "reconcile-payments",
        "ecommune_reconcile_payments",
        "*/15 * * * *",
        _hours(1),
        "Ask the bank about payments left waiting, then settle them.",
    ),
    PeriodicJob(
        "invoice-reminders",
        "ecommune_invoice_reminders",
        "0 9 * * *",
        _hours(26),
        "Queue the reminders of unpaid invoices past each commune's delay.",
    ),
    PeriodicJob(
        "import-fiches",
        "ecommune_import_fiches",
        "30 5 * * *",
        _hours(26),
        "Download service-public.fr's fiches (ECOMMUNE_FICHES_URL) and import the changes.",
        ("--download",),
    ),
)


def jobs() -> list[PeriodicJob]:
    """The site's jobs: the kit's, less the disabled ones, plus the site's own."""
    disabled = set(getattr(settings, "ECOMMUNE_PERIODIC_JOBS_DISABLED", ()))
    extra = [
        PeriodicJob(
            name=item["name"],
            command=item["command"],
            cron=item["cron"],
            period=item["period"]
            if isinstance(item["period"], datetime.timedelta)
            else datetime.timedelta(seconds=item["period"]),
            description=item.get("description", ""),
            args=tuple(item.get("args", ())),
        )
        for item in getattr(settings, "ECOMMUNE_PERIODIC_JOBS", ())
    ]
    return [job for job in (*KIT_JOBS, *extra) if job.name not in disabled]


def get_job(name: str) -> PeriodicJob:
    for job in jobs():
        if job.name == name:
            return job
    raise KeyError(name)


def register(all_jobs=None) -> None:
    """Note each job as seen by a scheduler (the doctor gives a new job one period)."""
    from ecommune.core.models import PeriodicJobRun

    now = timezone.now()
    for job in all_jobs if all_jobs is not None else jobs():
        PeriodicJobRun.objects.get_or_create(name=job.name, defaults={"first_seen_at": now})


def run(job: PeriodicJob) -> bool:
    """Run ``job`` here and now, record its outcome; True when it succeeded."""
    from ecommune.core.models import PeriodicJobRun

    started = timezone.now()
    record, _created = PeriodicJobRun.objects.get_or_create(
        name=job.name, defaults={"first_seen_at": started}
    )
    PeriodicJobRun.objects.filter(pk=record.pk).update(last_started_at=started)
    out = io.StringIO()
    begin = time.monotonic()
    succeeded = True
    try:
        call_command(job.command, *job.args, stdout=out, stderr=out)
    except SystemExit as exc:
        succeeded = not exc.code
        out.write(f"exit status {exc.code}\n")
    except Exception:  # noqa: BLE001  (a job's failure is recorded, the scheduler goes on)
        succeeded = False
        out.write(traceback.format_exc())
        logger.exception("Periodic job %s failed", job.name)
    finished = timezone.now()
    output = out.getvalue()[-OUTPUT_LIMIT:]
    changes = {
        "last_finished_at": finished,
        "last_duration": datetime.timedelta(seconds=time.monotonic() - begin),
        "last_succeeded": succeeded,
        "last_output": output,
    }
    if succeeded:
        changes["last_success_at"] = finished
    PeriodicJobRun.objects.filter(pk=record.pk).update(**changes)
    return succeeded


def run_in_thread(job: PeriodicJob) -> bool:
    """``run`` from a scheduler's thread: a fresh connection, closed after the job."""
    from django.db import close_old_connections, connections

    close_old_connections()
    try:
        return run(job)
    finally:
        connections.close_all()


def overdue(job: PeriodicJob, now=None) -> bool:
    """Whether ``job`` went unrun for longer than its period (a never-seen job is not)."""
    from ecommune.core.models import PeriodicJobRun

    now = now or timezone.now()
    record = PeriodicJobRun.objects.filter(name=job.name).first()
    if record is None:
        return False
    last = record.last_success_at or record.first_seen_at
    return now - last > job.period
