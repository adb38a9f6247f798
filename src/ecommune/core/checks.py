"""System checks of the kit's configuration (run by ``manage.py check``)."""

from django.conf import settings
from django.core import checks

from ecommune.core.themes import available_themes


@checks.register()
def default_theme_is_installed(app_configs, **kwargs):
    name = getattr(settings, "ECOMMUNE_DEFAULT_THEME", "commune")
    if name not in available_themes():
        return [
            checks.Error(
                f"ECOMMUNE_DEFAULT_THEME={name!r} is not an installed theme.",
                hint="Installed: " + ", ".join(available_themes()),
                id="ecommune.E001",
            )
        ]
    return []
