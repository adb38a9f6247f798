"""SQLite, the demo's and the tests' database: a real task worker writing beside concurrent
web requests that write never meets « database is locked » (WAL, a busy timeout and
BEGIN IMMEDIATE, ecommune.conf.database)."""

import os
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from ecommune.conf.database import SQLITE_BUSY_TIMEOUT_MS
from ecommune.requests.models import Request
from ecommune.testing import wizard

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
        reason="WAL, the busy timeout and BEGIN IMMEDIATE are SQLite's; PostgreSQL locks rows "
        "and never locks the whole database",
    ),
]

THREADS = 4
FILINGS_PER_THREAD = 5
APPLICANT = wizard.APPLICANT
MESSAGE = {"topic": "roads", "subject": "Lampadaire éteint", "message": "Rue des Tilleuls."}


def test_the_connection_has_the_options():
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        # Longer than the 5 s Python's sqlite3 gives by default.
        assert cursor.execute("PRAGMA busy_timeout").fetchone() == (
            int(os.environ.get("ECOMMUNE_SQLITE_BUSY_TIMEOUT_MS", SQLITE_BUSY_TIMEOUT_MS)),
        )
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_a_long_read_does_not_hold_up_a_writer(db):
    """WAL: a page still reading rows (a long list, an export) does not stop the worker's
    commit; in SQLite's default journal the writer waits for every reader to finish."""
    from django.contrib.sessions.backends.db import SessionStore

    reading, finished = threading.Event(), threading.Event()

    def read():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT id FROM django_content_type")
                cursor.fetchone()  # the statement stays open, and its read with it
                reading.set()
                finished.wait(60)
        finally:
            connection.close()

    reader = threading.Thread(target=read)
    reader.start()
    try:
        assert reading.wait(30)
        started = time.monotonic()
        SessionStore().create()  # a write in its own transaction, committed
        elapsed = time.monotonic() - started
    finally:
        finished.set()
        reader.join(timeout=60)
    assert elapsed < 2


@pytest.fixture
def contact(commune, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    # Tasks go to the database, for the worker process, instead of running at once.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    commune.enabled_services = ["contact"]
    commune.save()
    return commune


@pytest.fixture
def worker(contact, tmp_path):
    """django-tasks-db's real worker on the same SQLite file, polling every 50 ms."""
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}",
        "ECOMMUNE_TASKS_BACKEND": "database",
    }
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "django", "db_worker", "--interval", "0.05"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=output,
        )
        try:
            yield log
        finally:
            process.terminate()
            process.wait(timeout=30)


def post_step(client, step, data):
    return wizard.post_step(client, "contact", step, data)


def file_requests(errors, statuses):
    client = Client()
    try:
        for _ in range(FILINGS_PER_THREAD):
            statuses.append(client.get("/demarches/contact/").status_code)
            statuses.append(post_step(client, "applicant", APPLICANT).status_code)
            statuses.append(post_step(client, "message", MESSAGE).status_code)
            confirmed = post_step(client, "confirm", {"certify": "on"})
            statuses.append(confirmed.status_code)
            statuses.append(client.get(confirmed["Location"]).status_code)
    except Exception as error:  # noqa: BLE001  (reported by the test)
        errors.append(repr(error))
    finally:
        connection.close()


def test_a_writing_worker_beside_concurrent_writing_requests_never_locks(worker):
    from django_tasks_db.models import DBTaskResult

    errors, statuses = [], []
    threads = [
        threading.Thread(target=file_requests, args=(errors, statuses)) for _ in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    assert statuses and max(statuses) < 500, statuses
    assert Request.unscoped.count() == THREADS * FILINGS_PER_THREAD
    # The worker sends every acknowledgment, each in its own writing task.
    deadline = time.monotonic() + 120
    while DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists():
        assert time.monotonic() < deadline, "the worker did not finish its tasks"
        time.sleep(0.2)
    results = list(DBTaskResult.objects.values_list("status", "traceback"))
    assert len(results) >= THREADS * FILINGS_PER_THREAD
    failed = [traceback for status, traceback in results if status != "SUCCESSFUL"]
    assert not failed, failed[0]
    assert "locked" not in worker.read_text()
