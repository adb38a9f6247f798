"""Test settings: the kit's defaults, on SQLite or on PostgreSQL (DATABASE_URL)."""

import os
import tempfile

os.environ.setdefault("ECOMMUNE_BASE_DIR", tempfile.mkdtemp(prefix="ecommune-tests-"))
os.environ.setdefault(
    "DATABASE_URL", "sqlite:///" + os.path.join(os.environ["ECOMMUNE_BASE_DIR"], "db.sqlite3")
)

from ecommune.conf.settings import *  # noqa: E402,F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# The portal's pages cost about a second per commune: tests that need them ask for them
# (setup_commune(..., portal_pages=True); the demo always creates them).
ECOMMUNE_PORTAL_PAGES = False
if os.environ.get("ECOMMUNE_TASKS_BACKEND") != "database":
    # Tasks run at once in tests, unless a test starts a real worker process.
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not memory: tests that start a worker process share the test database.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(os.environ["ECOMMUNE_BASE_DIR"], "test.sqlite3")
    }
