"""`ecommune_backup` and `ecommune_restore`: one archive, private to the site's user, and the
restore drill (a new database and folder, doctor without failure, a resident's document
downloads), on the suite's database engine: pg_dump/pg_restore on PostgreSQL, SQLite's
backup API on SQLite."""

import io
import os
import shutil
import stat
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ecommune.requests import documents
from tests.requests.inbox_fixtures import *  # noqa: F403
from tests.requests.inbox_fixtures import file_request

ROOT = Path(__file__).resolve().parent.parent
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"backup drill " * 20


def _new_database(tmp_path) -> str:
    """An empty database of the suite's engine; its URL."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed (make system-packages installs postgresql-client)")
    name = f"{settings['NAME']}_restore"
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://{settings['USER']}@{host}:{port}/{name}"


def _drop_database(url: str) -> None:
    if url.startswith("postgres://"):
        name = url.rsplit("/", 1)[1]
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _site(env_changes: dict, *args: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "PRIVATE_ROOT", "MEDIA_ROOT", "PYTEST"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
            **env_changes,
        }
    )
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


DOWNLOAD = """
import django, sys
django.setup()
from django.test import Client
from ecommune.accounts.models import User
from ecommune.testing.otp import login_agent
client = Client()
login_agent(client, User.objects.get(email=sys.argv[1]))
response = client.get(sys.argv[2], HTTP_HOST="commune-a.test")
body = b"".join(response.streaming_content) if response.status_code == 200 else b""
sys.stdout.write(f"STATUS {response.status_code} SIZE {len(body)}\\n")
sys.stdout.buffer.write(body)
"""


@pytest.mark.django_db(transaction=True)
def test_the_restore_drill(agent, contact_communes, tmp_path, settings):
    commune = contact_communes[0]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    filed = file_request(commune)
    document = documents.store_document(
        uploaded=SimpleUploadedFile("justificatif.pdf", PDF, "application/pdf"),
        kind="other",
        commune=commune,
    )
    document.requests.add(filed)
    (tmp_path / "media" / "images").mkdir(parents=True)
    (tmp_path / "media" / "images" / "blason.svg").write_text("<svg/>")

    out = io.StringIO()
    call_command("ecommune_backup", "--output", str(tmp_path / "backups"), stdout=out)
    archive = Path(out.getvalue().strip())
    assert archive.is_file()
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(archive.parent.stat().st_mode) == 0o700
    with tarfile.open(archive) as bundle:
        names = bundle.getnames()
    assert "manifest.json" in names
    assert any(name.startswith("private/documents/") for name in names)
    assert "media/images/blason.svg" in names

    url = _new_database(tmp_path)
    restored = tmp_path / "restored"
    target = {
        "DATABASE_URL": url,
        "PRIVATE_ROOT": str(restored / "private"),
        "MEDIA_ROOT": str(restored / "media"),
        "ECOMMUNE_BASE_DIR": str(restored),
        "ECOMMUNE_TASKS_BACKEND": "immediate",
    }
    try:
        done = _site(target, "-m", "django", "ecommune_restore", str(archive))
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Restored" in done.stdout
        # A second restore into the now full database is refused, one line, status 2.
        again = _site(target, "-m", "django", "ecommune_restore", str(archive))
        assert again.returncode == 2
        assert "not empty" in again.stderr
        assert len(again.stderr.strip().splitlines()) == 1

        doctor = _site(target, "-m", "django", "ecommune_doctor", "--worker-timeout", "20")
        assert doctor.returncode == 0, doctor.stdout + doctor.stderr
        assert "[FAIL]" not in doctor.stdout
        assert (restored / "media" / "images" / "blason.svg").read_text() == "<svg/>"

        download_url = f"/admin/demandes/{filed.reference}/documents/{document.pk}/"
        fetched = subprocess.run(
            [sys.executable, "-c", DOWNLOAD, agent.user.email, download_url],
            env={
                **{k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")},
                "DJANGO_SETTINGS_MODULE": "tests.settings",
                "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
                **target,
            },
            capture_output=True,
            timeout=300,
            check=False,
        )
        head, _, body = fetched.stdout.partition(b"\n")
        assert head == f"STATUS 200 SIZE {len(PDF)}".encode(), fetched.stderr.decode()[-2000:]
        assert body == PDF
    finally:
        _drop_database(url)


def test_restore_refuses_what_is_not_a_backup(db, tmp_path):
    not_a_backup = tmp_path / "notes.tar"
    with tarfile.open(not_a_backup, "w") as bundle:
        bundle.add(__file__, arcname="notes.py")
    with pytest.raises(CommandError) as error:
        call_command("ecommune_restore", str(not_a_backup))
    assert "not an ecommune backup" in str(error.value)
    with pytest.raises(CommandError, match="No such backup file"):
        call_command("ecommune_restore", str(tmp_path / "missing.tar"))
