"""What every benchmark starts with: a temporary folder and database, Django set up with
the test settings, and the schema migrated.

The database is SQLite in the temporary folder unless DATABASE_URL is set (PostgreSQL
gives the figures that count for production). `make bench` skips this module.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_django() -> Path:
    """Set Django up on a fresh temporary folder and migrated database; returns the folder."""
    folder = Path(tempfile.mkdtemp(prefix="ecommune-bench-"))
    os.environ.setdefault("ECOMMUNE_BASE_DIR", str(folder))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return folder
