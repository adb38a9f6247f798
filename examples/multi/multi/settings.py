"""Settings of the two-commune example: the kit's defaults, one database, two sites."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
os.environ.setdefault("ECOMMUNE_BASE_DIR", str(BASE_DIR))

from ecommune.conf.settings import *  # noqa: E402,F403

ROOT_URLCONF = "multi.urls"
WAGTAIL_SITE_NAME = "Deux communes, une installation"
# Each commune is served on its own host name; *.localhost reaches 127.0.0.1.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "saint-ebrard.localhost", "port-lezard.localhost"]  # noqa: F405
