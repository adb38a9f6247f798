"""System checks: the second factor and the sign-in limits are wired in the right order,
and the rate limits' counters are shared between app servers in production."""

from django.conf import settings
from django.core.checks import Error, Warning, register
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


PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register()
def check_rate_limit_cache(app_configs, **kwargs):
    """The rate limits (``ecommune.core.throttling``) count in the default cache: in local
    memory, each app server process keeps its own counts, and limits multiply."""
    from ecommune.core.env import is_production

    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if is_production() and backend in PER_PROCESS_CACHES:
        return [
            Warning(
                "The default cache is local to each process: rate limits on sign-in, sign-up, "
                "password resets, tracking and invitations are counted per process.",
                hint="Set REDIS_URL so that every app server shares the counters.",
                id="ecommune_accounts.W001",
            )
        ]
    return []
