"""`ecommune doctor`: one line per check, a non-zero exit when something is wrong."""

import io
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.test import override_settings

from ecommune.core.doctor import ERROR, OK, WARNING, check_storage, check_task_worker, run_checks

pytestmark = pytest.mark.django_db(transaction=True)


def statuses(results):
    return {result.name: result.status for result in results}


def test_a_healthy_development_site_has_only_warnings_for_console_backends(commune):
    checks = run_checks(worker_timeout=5)
    assert checks[0].status == OK  # the database comes first
    results = statuses(checks)
    assert len(results) == 8
    assert ERROR not in results.values(), checks
    assert WARNING in results.values()  # console email and SMS are not for residents


def test_without_a_worker_the_task_check_fails_and_says_how_to_start_one(commune):
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        result = check_task_worker(timeout=1)
    assert result.status == ERROR
    assert "db_worker" in result.message


def test_a_running_database_worker_is_seen(commune, tmp_path):
    import os

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    from django.db import connection

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        env["DATABASE_URL"] = _database_url(connection)
        env["ECOMMUNE_TASKS_BACKEND"] = "database"
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "django",
                "db_worker",
                "--interval",
                "0.2",
                "--no-startup-delay",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            result = check_task_worker(timeout=30)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
    assert result.status == OK, result.message


def _database_url(connection):
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def test_an_unwritable_storage_is_reported(commune, tmp_path):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("x")
    with override_settings(MEDIA_ROOT=str(not_a_folder)):
        result = check_storage()
    assert result.status == ERROR


def test_the_command_exits_non_zero_when_a_check_fails(db):
    # No commune is configured: the commune check fails.
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("ecommune_doctor", worker_timeout=2, stdout=out)
    assert exit_info.value.code == 1
    lines = out.getvalue().splitlines()
    assert any(line.startswith("[FAIL]") for line in lines)
    assert all(line.startswith(("[ OK ]", "[WARN]", "[FAIL]")) for line in lines)
