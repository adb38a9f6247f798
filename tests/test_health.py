"""The health endpoint, the request id in JSON logs, and Sentry from SENTRY_DSN."""

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent


def test_health_answers_200_with_each_check(client, db):
    response = client.get("/health/?format=json")
    assert response.status_code == 200
    results = response.json()
    assert {name.split("(")[0] for name in results} == {"Database", "Cache", "Storage"}
    assert any("private" in name for name in results)
    assert all(value == "OK" for value in results.values()), results
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies


def test_health_answers_a_balancer_probing_by_ip_over_plain_http(db):
    from django.test import Client

    client = Client(raise_request_exception=False)
    # Not an allowed host and HTTPS-only: the probe still gets the node's health.
    with override_settings(ALLOWED_HOSTS=["commune-a.test"], SECURE_SSL_REDIRECT=True):
        response = client.get("/health/?format=json", HTTP_HOST="10.0.0.7:8000")
        page = client.get("/", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert page.status_code != 200  # the rest of the site keeps its host check


def test_health_fails_when_the_cache_is_down(client, db):
    broken = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=broken):
        response = client.get("/health/?format=json")
    assert response.status_code == 500
    assert response.json()["Cache(alias='default')"] != "OK"


def test_health_fails_when_private_storage_cannot_be_written(client, db, tmp_path):
    from django.conf import settings

    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("x")
    storages = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(not_a_folder)},
        },
    }
    with override_settings(STORAGES=storages):
        response = client.get("/health/?format=json")
    assert response.status_code == 500


def test_every_response_carries_a_request_id_and_keeps_nginx_s(client, db):
    fresh = client.get("/health/")
    assert len(fresh["X-Request-ID"]) == 32
    given = client.get("/health/", HTTP_X_REQUEST_ID="0123456789abcdef")
    assert given["X-Request-ID"] == "0123456789abcdef"


def _run(code: str, **env_changes) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **env_changes}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


LOG_A_REQUEST = """
import django, logging
django.setup()
from django.http import HttpResponse
from django.test import RequestFactory
from log_request_id.middleware import RequestIDMiddleware

def view(request):
    logging.getLogger("ecommune.test").warning("inside the request")
    return HttpResponse("ok")

request = RequestFactory().get("/", HTTP_X_REQUEST_ID="req-42")
RequestIDMiddleware(view)(request)
"""


def test_production_logs_are_json_lines_with_the_request_id(tmp_path):
    done = _run(
        LOG_A_REQUEST,
        ECOMMUNE_LOG_FORMAT="json",
        ECOMMUNE_BASE_DIR=str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    record = next(line for line in lines if line["message"] == "inside the request")
    assert record["request_id"] == "req-42"
    assert record["level"] == "WARNING"
    assert record["logger"] == "ecommune.test"


class _FakeSentry(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            import gzip

            body = gzip.decompress(body)
        elif encoding == "br":  # sentry-sdk compresses with brotli when it is installed
            import brotli

            body = brotli.decompress(body)
        _FakeSentry.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_sentry_is_configured_from_sentry_dsn_and_receives_errors(tmp_path):
    pytest.importorskip("sentry_sdk")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeSentry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _FakeSentry.received.clear()
    dsn = f"http://publickey@127.0.0.1:{server.server_address[1]}/7"
    try:
        done = _run(
            "import django, sentry_sdk\n"
            "django.setup()\n"
            "print('DSN', sentry_sdk.get_client().dsn)\n"
            "try:\n"
            "    1 / 0\n"
            "except ZeroDivisionError:\n"
            "    sentry_sdk.capture_exception()\n"
            "sentry_sdk.flush(10)\n",
            SENTRY_DSN=dsn,
            ECOMMUNE_BASE_DIR=str(tmp_path),
        )
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr
    assert f"DSN {dsn}" in done.stdout
    received = b"".join(_FakeSentry.received)
    assert b"ZeroDivisionError" in received
    assert b"ecommune@" in received  # the release


def test_without_sentry_dsn_sentry_stays_off(tmp_path):
    done = _run(
        "import django, sys\ndjango.setup()\nprint('LOADED', 'sentry_sdk' in sys.modules)\n",
        SENTRY_DSN="",
        ECOMMUNE_BASE_DIR=str(tmp_path),
    )
    assert "LOADED False" in done.stdout, done.stderr
