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


@checks.register()
def services_fill_in_their_contract(app_configs, **kwargs):
    """Every registered service declares each required part of ``Service``."""
    from ecommune.core.registry import registry

    return [
        checks.Error(
            f"The service {service.slug or service.__name__!r} "
            f"({service.__module__}.{service.__qualname__}) misses or gets wrong: {problem}.",
            hint="See ecommune.core.services.Service and docs/integrators/write-a-service.md.",
            obj=service,
            id="ecommune.E010",
        )
        for service in registry
        for problem in service.check_contract()
    ]
