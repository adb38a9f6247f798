"""`ecommune doctor`: one line per check, a non-zero exit when something is wrong."""

import io
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.test import override_settings

from ecommune.core.doctor import (
    ERROR,
    OK,
    WARNING,
    check_cache,
    check_private_storage,
    check_sms,
    check_static_manifest,
    check_storage,
    check_task_worker,
    run_checks,
)

pytestmark = pytest.mark.django_db(transaction=True)


def statuses(results):
    return {result.name: result.status for result in results}


def test_a_healthy_development_site_has_only_warnings_for_console_backends(commune):
    checks = run_checks(worker_timeout=5)
    assert checks[0].status == OK  # the database comes first
    results = statuses(checks)
    assert len(results) >= 11
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


ECOMMUNE = [sys.executable, "-m", "ecommune.cli"]


def _run_doctor(env_changes, tmp_path):
    import os

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ECOMMUNE_", "DJANGO_", "DATABASE_URL", "PYTEST"))
    }
    env.update({"ECOMMUNE_BASE_DIR": str(tmp_path), **env_changes})
    return subprocess.run(
        [*ECOMMUNE, "doctor", "--settings", "tests.settings", "--worker-timeout", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=str(tmp_path),
        check=False,
    )


@pytest.mark.django_db(transaction=False)
def test_an_unmigrated_database_gives_the_migrations_line_and_a_failure_not_a_traceback(
    tmp_path,
):
    import os
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    done = _run_doctor(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
            "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
        },
        tmp_path,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Traceback" not in output
    migrations = [line for line in done.stdout.splitlines() if "Migrations" in line]
    assert migrations and migrations[0].startswith("[FAIL]"), output
    assert "migrate" in migrations[0]
    # The checks that need no table still run and say what they found.
    assert any("Cache" in line for line in done.stdout.splitlines()), output


@pytest.mark.django_db(transaction=False)
def test_a_missing_production_variable_is_a_doctor_line(tmp_path):
    import os
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    done = _run_doctor(
        {
            "ECOMMUNE_ENV": "production",
            "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
        },
        tmp_path,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Traceback" not in output
    assert done.stdout.startswith("[FAIL]"), output
    assert "SECRET_KEY" in done.stdout
    assert len(done.stdout.strip().splitlines()) == 1


def test_an_sms_backend_that_cannot_be_imported_fails(db):
    with override_settings(SMS_BACKEND="ecommune_nowhere.sms.Backend"):
        result = check_sms()
    assert result.status == ERROR
    assert "ecommune_nowhere" in result.message


def test_an_sms_backend_that_is_not_configured_fails(db):
    # django-sms's Twilio backend without its credentials (nor its library) refuses to start.
    with override_settings(SMS_BACKEND="sms.backends.twilio.SmsBackend"):
        result = check_sms()
    assert result.status == ERROR
    assert "twilio" in result.message.lower()


def test_a_missing_static_manifest_fails_and_a_collected_one_passes(db, tmp_path):
    manifest_storage = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    from django.conf import settings

    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": manifest_storage}}
    with override_settings(STORAGES=storages, STATIC_ROOT=str(tmp_path)):
        missing = check_static_manifest()
        (tmp_path / "staticfiles.json").write_text(
            '{"paths": {"a.css": "a.0123456789ab.css"}, "version": "1.1"}'
        )
        present = check_static_manifest()
    assert missing.status == ERROR
    assert "collectstatic" in missing.message
    assert present.status == OK, present.message


def _private_at(location):
    from django.conf import settings

    return {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }


def test_private_storage_under_the_public_media_folder_fails(db, tmp_path):
    media = tmp_path / "media"
    with override_settings(STORAGES=_private_at(media / "private"), MEDIA_ROOT=str(media)):
        result = check_private_storage()
    assert result.status == ERROR
    assert "MEDIA_ROOT" in result.message


def test_unwritable_private_storage_fails_and_a_good_one_passes(db, tmp_path):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("x")
    media = tmp_path / "media"
    with override_settings(STORAGES=_private_at(not_a_folder), MEDIA_ROOT=str(media)):
        broken = check_private_storage()
    with override_settings(STORAGES=_private_at(tmp_path / "private"), MEDIA_ROOT=str(media)):
        good = check_private_storage()
    assert broken.status == ERROR
    assert good.status == OK, good.message


def test_an_unreachable_cache_fails(db):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=unreachable):
        result = check_cache()
    assert result.status == ERROR
    assert "REDIS_URL" in result.message
    assert check_cache().status == OK
