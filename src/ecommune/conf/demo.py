"""Settings of ``ecommune demo``: the embedded default (SQLite, console email and SMS,
the database task backend, local files) in the folder given by ECOMMUNE_DEMO_DIR."""

import os
from pathlib import Path

os.environ.setdefault("ECOMMUNE_BASE_DIR", os.environ.get("ECOMMUNE_DEMO_DIR", ".demo"))

from ecommune.conf.database import with_sqlite_options  # noqa: E402
from ecommune.conf.secret_key import FILE_NAME, read_or_create  # noqa: E402
from ecommune.conf.settings import *  # noqa: E402,F403

BASE_DIR = Path(os.environ["ECOMMUNE_BASE_DIR"]).resolve()
DEBUG = True
# The demo's own key, made on its first run in its folder (secret_key, mode 0600) and
# kept for the next runs: never a key from the source, whatever the environment says.
SECRET_KEY = read_or_create(BASE_DIR / FILE_NAME)
# SQLite shared by the web process and the task worker: WAL, busy timeout, BEGIN IMMEDIATE.
DATABASES = {
    "default": with_sqlite_options(
        {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
    )
}
MEDIA_ROOT = BASE_DIR / "media"
STATIC_ROOT = BASE_DIR / "static"
ALLOWED_HOSTS = [
    "127.0.0.1",
    "localhost",
    "[::1]",
    "saint-ebrard.localhost",
]
LOGGING["loggers"]["wagtail"] = {"level": "WARNING"}  # noqa: F405  (page creation logs while seeding)
