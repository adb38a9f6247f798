"""Settings for test runs: the kit's defaults, on SQLite or on PostgreSQL (DATABASE_URL),
with what makes tests fast and faithful. A site's or a service's test settings start with
``from ecommune.testing.settings import *`` and add their apps::

    from ecommune.testing.settings import *  # noqa: F403
    INSTALLED_APPS = [*INSTALLED_APPS, "ecommune_voirie"]  # noqa: F405
"""

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
# (setup_commune(..., portal_pages=True), make_commune(portal_pages=True); the demo always
# creates them).
ECOMMUNE_PORTAL_PAGES = False
if os.environ.get("ECOMMUNE_TASKS_BACKEND") not in ("database", "rq"):
    # Tasks run at once in tests, unless a test starts a real worker process.
    TASKS = {"default": {"BACKEND": "ecommune.testing.tasks.WorkerLikeImmediateBackend"}}

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not memory: tests that start a worker process share the test database.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(os.environ["ECOMMUNE_BASE_DIR"], "test.sqlite3")
    }
