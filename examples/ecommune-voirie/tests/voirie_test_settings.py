"""Settings of the example's own test run (``python -m pytest`` in its folder): the kit's
test settings, and the one line a site writes to enable the service."""

from ecommune.testing.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "ecommune_voirie"]  # noqa: F405
