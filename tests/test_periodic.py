"""The periodic jobs declared once (ecommune.core.periodic): their schedule, their record,
the scheduler process and what `ecommune doctor` says of them."""

import datetime
import io
import os
import signal
import subprocess
import sys
import time
import zipfile
import zoneinfo

import pytest
from django.core.management import call_command, get_commands
from django.test import override_settings
from django.utils import timezone

from ecommune.core import periodic
from ecommune.core.doctor import ERROR, OK, WARNING, check_periodic_job
from ecommune.core.models import PeriodicJobRun
from ecommune.servicepublic.importer import SAMPLE_DIR

KIT_COMMANDS = {
    "ecommune_send_webhooks",
    "ecommune_send_outbox",
    "ecommune_purge_documents",
    "ecommune_forget_appointments",
    "ecommune_agent_digest",
    "ecommune_appointment_reminders",
    "ecommune_agenda_reminders",
    "ecommune_ants_sync",
    "ecommune_reconcile_payments",
    "ecommune_invoice_reminders",
    "ecommune_import_fiches",
}


def test_every_periodic_job_of_the_kit_is_declared_once_with_an_existing_command():
    jobs = periodic.jobs()
    assert {job.command for job in jobs} == KIT_COMMANDS
    assert len({job.name for job in jobs}) == len(jobs)
    commands = get_commands()
    assert all(job.command in commands for job in jobs)


def test_each_period_covers_the_longest_gap_of_its_schedule():
    from apscheduler.triggers.cron import CronTrigger

    zone = zoneinfo.ZoneInfo("Europe/Paris")
    start = datetime.datetime(2026, 12, 24, 0, 0, tzinfo=zone)  # a week with a holiday
    for job in periodic.jobs():
        trigger = CronTrigger.from_crontab(job.cron, timezone=zone)
        fires, previous = [], None
        moment = start
        while moment < start + datetime.timedelta(days=8):
            moment = trigger.get_next_fire_time(previous, moment)
            fires.append(moment)
            previous = moment
            moment = moment + datetime.timedelta(seconds=1)
        longest = max(b - a for a, b in zip(fires, fires[1:], strict=False))
        assert longest < job.period, (job.name, longest, job.period)


def test_running_a_job_records_its_success_and_output(db):
    out = io.StringIO()
    call_command("ecommune_run_job", "outbox", stdout=out)
    record = PeriodicJobRun.objects.get(name="outbox")
    assert record.last_succeeded is True
    assert record.last_success_at is not None
    assert record.last_output == out.getvalue()
    assert record.last_duration is not None


FAILING_JOB = {
    "name": "failing",
    "command": "ecommune_import_fiches",
    "args": ["/nowhere/vosdroits.zip"],
    "cron": "0 4 * * *",
    "period": 26 * 3600,
}


def test_a_failing_job_is_recorded_and_exits_non_zero(db, capsys):
    with override_settings(ECOMMUNE_PERIODIC_JOBS=[FAILING_JOB]):
        with pytest.raises(SystemExit) as exit_info:
            call_command("ecommune_run_job", "failing")
        record = PeriodicJobRun.objects.get(name="failing")
        assert exit_info.value.code == 1
        assert record.last_succeeded is False
        assert record.last_success_at is None
        assert "No such file or folder" in record.last_output
        # Seen long ago and never successful: the doctor fails and quotes the error.
        PeriodicJobRun.objects.filter(name="failing").update(
            first_seen_at=timezone.now() - datetime.timedelta(days=3)
        )
        result = check_periodic_job(periodic.get_job("failing"))
    assert result.status == ERROR
    assert "No such file or folder" in result.message


def test_an_unknown_job_is_refused_with_the_names(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as error:
        call_command("ecommune_run_job", "nothing")
    assert "outbox" in str(error.value)


def test_the_doctor_follows_each_job_through_its_period(db, monkeypatch):
    job = periodic.get_job("outbox")
    assert check_periodic_job(job).status == WARNING  # never scheduled, outside production
    with monkeypatch.context() as production:
        production.setenv("ECOMMUNE_ENV", "production")
        assert check_periodic_job(job).status == ERROR
    periodic.register([job])
    assert check_periodic_job(job).status == OK  # just seen: it has one period
    PeriodicJobRun.objects.filter(name="outbox").update(
        first_seen_at=timezone.now() - datetime.timedelta(hours=2)
    )
    late = check_periodic_job(job)
    assert late.status == ERROR
    assert "ecommune_run_job outbox" in late.message
    periodic.run(job)
    assert check_periodic_job(job).status == OK
    PeriodicJobRun.objects.filter(name="outbox").update(
        last_success_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    assert check_periodic_job(job).status == ERROR


def test_the_fiches_job_downloads_the_set_and_imports_it(db, tmp_path):
    from ecommune.servicepublic.models import Fiche

    archive = tmp_path / "vosdroits-latest.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for name in ("F1367.xml", "N19810.xml"):
            bundle.write(SAMPLE_DIR / name, name)
    out = io.StringIO()
    with override_settings(ECOMMUNE_FICHES_URL=archive.as_uri()):
        call_command("ecommune_run_job", "import-fiches", stdout=out)
    assert "downloaded" in out.getvalue()
    assert Fiche.objects.filter(publication_id="F1367").exists()


def _database_url(connection):
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_process_registers_the_jobs_and_catches_up_a_late_one(tmp_path):
    from django.db import connection

    long_ago = timezone.now() - datetime.timedelta(days=2)
    PeriodicJobRun.objects.create(name="outbox", first_seen_at=long_ago, last_success_at=long_ago)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url(connection),
        "ECOMMUNE_BASE_DIR": str(tmp_path),
    }
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "django", "ecommune_schedule"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            record = PeriodicJobRun.objects.get(name="outbox")
            if record.last_success_at > long_ago:
                break
            time.sleep(0.5)
        registered = set(PeriodicJobRun.objects.values_list("name", flat=True))
    finally:
        scheduler.send_signal(signal.SIGTERM)
        output = scheduler.communicate(timeout=60)[0]
    assert record.last_success_at > long_ago, output
    assert registered == {job.name for job in periodic.jobs()}
    assert scheduler.returncode == 0, output
    # Only the late job ran at start; the others wait for their time.
    assert not PeriodicJobRun.objects.filter(
        name="import-fiches", last_started_at__isnull=False
    ).exists()
