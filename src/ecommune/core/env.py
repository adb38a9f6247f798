"""Reading the environment: one place, and a clear error naming a missing variable.

Production settings come from the environment only (twelve-factor), so that a
town's IT team configures a site with an ``.env`` file or systemd's
``EnvironmentFile`` and never edits Python.
"""

import os

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()


class MissingVariable(ImproperlyConfigured):
    """A production setting was not given; the message names the variable."""


def require(name: str) -> str:
    """The value of ``name``, or a start-up error that says which variable to set."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise MissingVariable(
            f"The environment variable {name} is required in production "
            f"(ECOMMUNE_ENV=production). Set it in the site's .env file. "
            f"— La variable d'environnement {name} est obligatoire en production."
        )
    return value


def is_production() -> bool:
    """True when the site runs with ``ECOMMUNE_ENV=production``."""
    return os.environ.get("ECOMMUNE_ENV", "development").strip().lower() == "production"
