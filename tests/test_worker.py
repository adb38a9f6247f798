"""`manage.py ecommune_worker`: one command for the worker unit, whichever task backend."""

import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

from ecommune.core.management.commands.ecommune_worker import worker_command


def test_the_worker_command_follows_the_backend():
    assert worker_command({"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}) == (
        "db_worker",
        [],
    )
    rq = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "low"]}}
    assert worker_command(rq) == (
        "rqworker",
        ["--job-class", "django_tasks_rq.Job", "default", "low"],
    )


def test_a_backend_without_worker_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ECOMMUNE_TASKS_BACKEND"):
        worker_command({"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url(connection):
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_tasks_from_redis_with_rq(commune, tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (make system-packages installs it)")
    from django.db import connection

    port = _free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url(connection),
        "ECOMMUNE_BASE_DIR": str(tmp_path),
        "ECOMMUNE_TASKS_BACKEND": "rq",
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
    }
    # django-rq and django-tasks-rq bring their own tables.
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--no-input", "-v", "0"],
        env=env,
        check=True,
        timeout=300,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "django", "ecommune_worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        time.sleep(1)
        doctor = subprocess.run(
            [sys.executable, "-m", "django", "ecommune_doctor", "--worker-timeout", "60"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        worker.terminate()
        try:
            worker_output = worker.communicate(timeout=15)[0]
        except subprocess.TimeoutExpired:
            # RQ's warm shutdown waits for its blocking read of the queue: stop it cold.
            worker.kill()
            worker_output = worker.communicate(timeout=15)[0]
        redis.terminate()
        redis.wait(timeout=30)
    lines = doctor.stdout.splitlines()
    task_line = [line for line in lines if "tâches" in line.lower()]
    assert task_line and task_line[0].startswith("[ OK ]"), doctor.stdout + worker_output
    assert "heartbeat" in worker_output  # RQ's worker ran the doctor's test task
    cache_line = [line for line in lines if line.split(" : ")[0].endswith("Cache")]
    assert cache_line and "RedisCache" in cache_line[0]
