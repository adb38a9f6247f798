"""One archive with the database and the files: ``manage.py ecommune_backup`` and
``manage.py ecommune_restore``.

The archive (``ecommune-backup-<date>.tar``, mode 0600 in a folder of mode 0700) holds
``manifest.json`` (kit version, database engine, date), the database (``database.dump``,
PostgreSQL's custom format from ``pg_dump``; or ``database.sqlite3``, a copy made with
SQLite's online backup API, consistent while the site runs) and the files of the local
storages: ``private/`` (residents' documents) and ``media/`` (images and documents of the
portal). Files kept in an S3 bucket are not in it: the provider's versioning or backup
covers them, and the manifest says so.

Restoring needs an empty database and empty folders (a new install, or the drill); it
refuses otherwise, so a restore never mixes two sites.
"""

import datetime
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connections

import ecommune

FORMAT = 1
STORAGE_FOLDERS = {"private": "private", "default": "media"}


class BackupError(Exception):
    """What to fix, in one line."""


def _local_location(alias: str) -> Path | None:
    storage = storages[alias]
    if getattr(storage, "bucket_name", None) is not None:
        return None
    location = getattr(storage, "location", None)
    return Path(location) if location else None


def _pg_environment(config: dict) -> tuple[list[str], dict]:
    args = ["--dbname", config["NAME"]]
    if config.get("HOST"):
        args += ["--host", str(config["HOST"])]
    if config.get("PORT"):
        args += ["--port", str(config["PORT"])]
    if config.get("USER"):
        args += ["--username", str(config["USER"])]
    env = {**os.environ}
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: sudo apt install postgresql-client (its major version "
            "at least the server's)."
        )
    return path


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        message = " ".join((done.stderr or done.stdout).split())[:400]
        raise BackupError(f"{Path(command[0]).name} failed: {message}")


def dump_database(folder: Path) -> str:
    connection = connections[DEFAULT_DB_ALIAS]
    config = connection.settings_dict
    if connection.vendor == "postgresql":
        args, env = _pg_environment(config)
        target = folder / "database.dump"
        _run(
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-acl",
                "--file",
                str(target),
                *args,
            ],
            env,
        )
        return target.name
    if connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        source = sqlite3.connect(str(config["NAME"]))
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target.name
    raise BackupError(f"the {connection.vendor} database is not supported: PostgreSQL or SQLite.")


def backup(output: Path, now: datetime.datetime | None = None) -> Path:
    """Write the archive into ``output`` (created 0700); returns its path (mode 0600)."""
    now = now or datetime.datetime.now(datetime.UTC)
    output.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(output, 0o700)
    previous_umask = os.umask(0o077)
    try:
        with tempfile.TemporaryDirectory(dir=output, prefix=".backup-") as scratch:
            scratch = Path(scratch)
            manifest = {
                "format": FORMAT,
                "ecommune": ecommune.__version__,
                "created": now.isoformat(),
                "database": connections[DEFAULT_DB_ALIAS].vendor,
                "database_file": dump_database(scratch),
                "files": {},
                "not_included": [],
            }
            archive = output / f"ecommune-backup-{now:%Y%m%d-%H%M%S}.tar"
            partial = archive.with_suffix(".tar.partial")
            with tarfile.open(partial, "w") as bundle:
                bundle.add(scratch / manifest["database_file"], arcname=manifest["database_file"])
                for alias, folder in STORAGE_FOLDERS.items():
                    location = _local_location(alias)
                    if location is None:
                        manifest["not_included"].append(alias)
                        continue
                    count = 0
                    if location.is_dir():
                        bundle.add(location, arcname=folder)
                        count = sum(1 for path in location.rglob("*") if path.is_file())
                    manifest["files"][folder] = count
                data = json.dumps(manifest, indent=2).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size = len(data)
                info.mtime = int(now.timestamp())
                info.mode = 0o600
                bundle.addfile(info, io.BytesIO(data))
            os.chmod(partial, 0o600)
            partial.rename(archive)
    finally:
        os.umask(previous_umask)
    return archive


def _is_empty_database() -> bool:
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    return not tables


def _is_empty_folder(path: Path) -> bool:
    return not path.exists() or not any(path.iterdir())


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r") as bundle:
            member = bundle.extractfile("manifest.json")
            return json.loads(member.read())
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(f"{archive} is not an ecommune backup: {error}") from error


def restore(archive: Path) -> dict:
    """Restore ``archive`` into the configured (empty) database and (empty) folders."""
    manifest = read_manifest(archive)
    connection = connections[DEFAULT_DB_ALIAS]
    if manifest.get("database_file") not in ("database.dump", "database.sqlite3"):
        raise BackupError(f"{archive} is not an ecommune backup: no database in it.")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')} is not {FORMAT}.")
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"the backup holds a {manifest['database']} database, DATABASE_URL is "
            f"{connection.vendor}."
        )
    if not _is_empty_database():
        raise BackupError(
            f"the database {connection.settings_dict['NAME']} is not empty: restore into a new "
            "one (createdb), then point DATABASE_URL at it."
        )
    targets = {}
    for alias, folder in STORAGE_FOLDERS.items():
        if folder not in manifest["files"]:
            continue
        location = _local_location(alias)
        if location is None:
            raise BackupError(f"the backup has {folder}/ files but that storage is not local.")
        if not _is_empty_folder(location):
            raise BackupError(f"{location} is not empty: restore into a new folder.")
        targets[folder] = location
    previous_umask = os.umask(0o027)
    try:
        with tempfile.TemporaryDirectory(prefix="ecommune-restore-") as scratch:
            scratch = Path(scratch)
            with tarfile.open(archive, "r") as bundle:
                bundle.extractall(scratch, filter="data")
            database_file = scratch / manifest["database_file"]
            if connection.vendor == "postgresql":
                args, env = _pg_environment(connection.settings_dict)
                connection.close()
                _run(
                    [
                        _tool("pg_restore"),
                        "--no-owner",
                        "--no-acl",
                        "--exit-on-error",
                        *args,
                        str(database_file),
                    ],
                    env,
                )
            else:
                connection.close()
                source = sqlite3.connect(str(database_file))
                copy = sqlite3.connect(str(connection.settings_dict["NAME"]))
                try:
                    source.backup(copy)
                finally:
                    copy.close()
                    source.close()
            for folder, location in targets.items():
                location.mkdir(parents=True, exist_ok=True)
                extracted = scratch / folder
                if extracted.is_dir():
                    shutil.copytree(extracted, location, dirs_exist_ok=True)
    finally:
        os.umask(previous_umask)
    return manifest
