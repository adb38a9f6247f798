"""System checks: FranceConnect switched on has what it needs to work."""

from django.conf import settings
from django.core.checks import Error, register

BACKEND = "ecommune.accounts.franceconnect.backend.FranceConnectBackend"


@register()
def check_franceconnect(app_configs, **kwargs):
    if not getattr(settings, "ECOMMUNE_FRANCECONNECT_ENABLED", False):
        return []
    errors = []
    for name in ("ECOMMUNE_FRANCECONNECT_CLIENT_ID", "ECOMMUNE_FRANCECONNECT_CLIENT_SECRET"):
        if not getattr(settings, name, ""):
            errors.append(
                Error(
                    f"ECOMMUNE_FRANCECONNECT_ENABLED is on but {name} is empty.",
                    hint="Copy it from FranceConnect's partner portal "
                    "(docs/it-team/franceconnect.md).",
                    id="ecommune_accounts.E101",
                )
            )
    if BACKEND not in settings.AUTHENTICATION_BACKENDS:
        errors.append(
            Error(
                f"ECOMMUNE_FRANCECONNECT_ENABLED is on but {BACKEND} is not in "
                "AUTHENTICATION_BACKENDS.",
                id="ecommune_accounts.E102",
            )
        )
    if settings.ECOMMUNE_FRANCECONNECT_SIGN_ALGO not in ("ES256", "RS256"):
        errors.append(
            Error(
                "ECOMMUNE_FRANCECONNECT_SIGN_ALGO must be ES256 or RS256 (FranceConnect v2).",
                id="ecommune_accounts.E103",
            )
        )
    return errors
