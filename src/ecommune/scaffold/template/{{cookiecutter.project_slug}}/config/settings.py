"""Settings of the {{ cookiecutter.commune_name }} site: ecommune's defaults, then this site's.

Deployment values (database, email, SMS, hosts, secret key) are read from the
environment and from the ``.env`` file beside ``manage.py``; see ``.env.example``.
Add the site's own overrides at the end of this file.
"""

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
# Read before ecommune's defaults so that they see it; a variable already in the
# environment (systemd, the shell) wins over the file.
os.environ["ECOMMUNE_BASE_DIR"] = str(BASE_DIR)
environ.Env.read_env(BASE_DIR / ".env")

from ecommune.conf.settings import *  # noqa: E402,F403

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
WAGTAIL_SITE_NAME = "{{ cookiecutter.commune_name }}"
