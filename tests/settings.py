"""Test settings: the kit's defaults, on SQLite or on PostgreSQL (DATABASE_URL), as
``ecommune.testing.settings`` makes them for every test run."""

import importlib.util

from ecommune.testing.settings import *  # noqa: F403

# The example service written outside the kit (examples/ecommune-voirie), when installed
# (`make test` installs it): one line, as a site enables it; its tests run with the kit's.
if importlib.util.find_spec("ecommune_voirie") is not None:
    INSTALLED_APPS = [*INSTALLED_APPS, "ecommune_voirie"]  # noqa: F405
