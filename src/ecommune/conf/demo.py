"""Settings of ``ecommune demo``: the embedded default (SQLite, console email and SMS,
the database task backend, local files) in the folder given by ECOMMUNE_DEMO_DIR."""

import os
from pathlib import Path

os.environ.setdefault("ECOMMUNE_BASE_DIR", os.environ.get("ECOMMUNE_DEMO_DIR", ".demo"))

from ecommune.conf.settings import *  # noqa: E402,F403

BASE_DIR = Path(os.environ["ECOMMUNE_BASE_DIR"]).resolve()
DEBUG = True
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
MEDIA_ROOT = BASE_DIR / "media"
STATIC_ROOT = BASE_DIR / "static"
ALLOWED_HOSTS = [
    "127.0.0.1",
    "localhost",
    "[::1]",
    "saint-ebrard.localhost",
]
LOGGING["loggers"]["wagtail"] = {"level": "WARNING"}  # noqa: F405  (page creation logs while seeding)
