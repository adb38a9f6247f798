"""System checks: the second factor and the sign-in limits are wired in the right order."""

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string

OTP = "django_otp.middleware.OTPMiddleware"
SECOND_FACTOR = "ecommune.accounts.middleware.AgentSecondFactorMiddleware"
AUTH = "django.contrib.auth.middleware.AuthenticationMiddleware"
AXES_MIDDLEWARE = "axes.middleware.AxesMiddleware"
AXES_BACKEND = "ecommune.accounts.backends.LoginRateLimitBackend"


def _lockout_backend_first() -> bool:
    from axes.backends import AxesStandaloneBackend

    backends = list(settings.AUTHENTICATION_BACKENDS)
    return bool(backends) and issubclass(import_string(backends[0]), AxesStandaloneBackend)


@register()
def check_account_security(app_configs, **kwargs):
    errors = []
    middleware = list(settings.MIDDLEWARE)
    if getattr(settings, "ECOMMUNE_AGENT_OTP_REQUIRED", True):
        if SECOND_FACTOR not in middleware:
            errors.append(
                Error(
                    f"ECOMMUNE_AGENT_OTP_REQUIRED is on but {SECOND_FACTOR} is not in MIDDLEWARE.",
                    id="ecommune_accounts.E001",
                )
            )
        elif (
            OTP not in middleware
            or AUTH not in middleware
            or not middleware.index(AUTH) < middleware.index(OTP) < middleware.index(SECOND_FACTOR)
        ):
            errors.append(
                Error(
                    f"{SECOND_FACTOR} must come after {OTP}, itself after {AUTH}.",
                    id="ecommune_accounts.E002",
                )
            )
    if AXES_MIDDLEWARE not in middleware or not _lockout_backend_first():
        errors.append(
            Error(
                f"Sign-in limits need {AXES_MIDDLEWARE} in MIDDLEWARE and {AXES_BACKEND} "
                "(or another django-axes backend) first in AUTHENTICATION_BACKENDS.",
                id="ecommune_accounts.E003",
            )
        )
    return errors
