"""`ecommune demo --prepare-only` migrates, seeds and prints the accounts; a rerun reuses them,
and the secret key the first run made. `ecommune demo` serves pages and static files with
the security headers, on an SQLite database in WAL mode."""

import os
import re
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest


def demo_command(folder, *args):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "ECOMMUNE_BASE_DIR")
    }
    return [sys.executable, "-m", "ecommune.cli", "demo", "--dir", str(folder), *args], env


def run_demo(folder):
    command, env = demo_command(folder, "--prepare-only")
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A demo folder after its first run, and what that run printed."""
    folder = tmp_path_factory.mktemp("demo")
    first = run_demo(folder)
    assert first.returncode == 0, first.stderr
    return folder, first


def test_demo_prepares_once_and_reuses_what_exists(prepared):
    folder, first = prepared
    assert "http://127.0.0.1:8000/admin/" in first.stdout
    passwords = re.findall(r"mot de passe (\S+)", first.stdout)
    assert len(passwords) == 2
    assert (folder / "db.sqlite3").exists()
    # Its own secret key, made on the first run, readable by its owner only.
    key_file = folder / "secret_key"
    key = key_file.read_text()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and len(key.strip()) >= 50
    second = run_demo(folder)
    assert second.returncode == 0, second.stderr
    assert re.findall(r"mot de passe (\S+)", second.stdout) == passwords
    assert key_file.read_text() == key


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (local server)
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def test_the_served_demo_sends_the_permissions_policy_on_pages_files_and_errors(prepared):
    """runserver's own static handler skips the middleware: the demo serves its files
    through the site's URLs, so they carry the headers too."""
    folder, _first = prepared
    assert sqlite3.connect(folder / "db.sqlite3").execute("PRAGMA journal_mode").fetchone() == (
        "wal",
    )
    port = free_port()
    command, env = demo_command(folder, "--port", str(port), "--no-worker")
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "the demo did not start"
                time.sleep(0.5)
        answers = {
            path: fetch(base + path)
            for path in (
                "/",
                "/static/ecommune_appointments/queue-live.js",
                "/page-qui-n-existe-pas/",
                "/compte/",
            )
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    statuses = {path: status for path, (status, _headers) in answers.items()}
    assert statuses == {
        "/": 200,
        "/static/ecommune_appointments/queue-live.js": 200,
        "/page-qui-n-existe-pas/": 404,
        "/compte/": 200,  # urllib followed the redirect to the sign-in page
    }
    for path, (_status, headers) in answers.items():
        policy = headers.get("Permissions-Policy", "")
        assert "camera=()" in policy and "geolocation=()" in policy, path


def test_doctor_without_settings_says_what_to_do(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-m", "ecommune.cli", "doctor"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert "DJANGO_SETTINGS_MODULE" in result.stderr
