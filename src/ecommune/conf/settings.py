"""Settings defaults a site imports: ``from ecommune.conf.settings import *``.

Everything the kit needs (apps, middleware, Wagtail, the Tasks backend, French
locale, security headers) is here. With ``ECOMMUNE_ENV=production`` every
deployment value is read from the environment and a missing one stops the start
with its name; otherwise the defaults run the embedded demo (SQLite, console
email and SMS, the database task backend, local files).
"""

import datetime
from pathlib import Path

import django
from django.utils.translation import gettext_lazy as _

from ecommune.conf import secret_key
from ecommune.conf.database import SQLITE_BUSY_TIMEOUT_MS, with_sqlite_options
from ecommune.core.env import MissingVariable, env, is_production, require
from ecommune.core.themes import theme_static_dirs

PRODUCTION = is_production()
PACKAGE_DIR = Path(__file__).resolve().parent.parent
# A site sets BASE_DIR before or after the import; the default is the working directory.
BASE_DIR = Path(env.str("ECOMMUNE_BASE_DIR", default=str(Path.cwd())))

DEBUG = False if PRODUCTION else env.bool("DEBUG", default=True)
if PRODUCTION:
    SECRET_KEY = require("SECRET_KEY")
    ALLOWED_HOSTS = [h.strip() for h in require("ALLOWED_HOSTS").split(",") if h.strip()]
else:
    # No key written in the source: without SECRET_KEY, the site's folder gets its own,
    # made on first use (BASE_DIR/secret_key, mode 0600) and kept for later runs.
    SECRET_KEY = env.str("SECRET_KEY", default="") or secret_key.read_or_create(
        BASE_DIR / secret_key.FILE_NAME
    )
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "ecommune.core",
    "ecommune.accounts",
    "ecommune.notifications",
    "ecommune.requests",
    "ecommune.families",
    "ecommune.cms",
    "ecommune.servicepublic",
    "ecommune.appointments",
    "ecommune.services.contact",
    "ecommune.services.civil_status",
    "ecommune.services.elections",
    "ecommune.services.school",
    "ecommune.procedures",
    "ecommune.payments",
    "ecommune.feedback",
    "ecommune.api",
    "ecommune.widgets",
    "ecommune.webhooks",
    "ecommune.demo",
    "wagtail.contrib.settings",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # The health endpoint's page (ecommune.core.health).
    "health_check",
    "django_tasks",
    "django_tasks_db",
    "formtools",
    # Static files of the `dsfr` theme (DSFR CSS and JS); the `commune` theme never loads them.
    "dsfr",
    "schedule",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # After Django's apps: DRF's French catalogue words Django's form messages its own way
    # (« adresse e-mail »), and the first app that translates a message wins.
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
]

MIDDLEWARE = [
    # First, so that every response carries the header, the redirects and the error
    # pages made by the middleware below included.
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # A request id for the logs (X-Request-ID from nginx, or a new one), sent back too.
    "log_request_id.middleware.RequestIDMiddleware",
    # /health/ for load balancers: before the host check and the HTTPS redirection.
    "ecommune.core.health.HealthCheckMiddleware",
    # A host name outside ALLOWED_HOSTS: a short 400, before anything builds an address from it.
    "ecommune.core.host_guard.HostGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The commune's language, never the browser's (ecommune.core.languages).
    "ecommune.core.languages.CommuneLanguageMiddleware",
    # CORS headers for the public API's reads only (CORS_URLS_REGEX), before CommonMiddleware.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ecommune.accounts.middleware.AgentSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ecommune.core.middleware.CurrentCommuneMiddleware",
    # NUL bytes and ids that cannot be ids: a themed 400 or 404 before any view runs.
    "ecommune.core.request_guards.RequestGuardMiddleware",
    "ecommune.core.middleware.ContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: turns a sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
    # Portal pages for visitors without cookies, kept rendered (ecommune.cms.page_cache);
    # its process_view runs after every other middleware's request phase.
    "ecommune.cms.page_cache.PageCacheMiddleware",
]

ROOT_URLCONF = env.str("ECOMMUNE_ROOT_URLCONF", default="ecommune.conf.urls")
WSGI_APPLICATION = "ecommune.conf.wsgi.application"
AUTH_USER_MODEL = "ecommune_accounts.User"
# Residents sign in under /compte/; the back office keeps its own page (/admin/login/).
LOGIN_URL = "ecommune_accounts:login"
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
AUTHENTICATION_BACKENDS = [
    # django-axes first: a locked-out client is refused before its password is checked.
    "ecommune.accounts.backends.LoginRateLimitBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Answers only on the FranceConnect callback, and only when FranceConnect is enabled.
    "ecommune.accounts.franceconnect.backend.FranceConnectBackend",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "ecommune.core.context_processors.commune",
            ],
            # The theme loader picks the current commune's theme first, then the apps'.
            "loaders": ["ecommune.core.themes.ThemeLoader"],
        },
    },
]

# Databases: SQLite is the embedded default; production gives DATABASE_URL (PostgreSQL).
# SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE (ecommune.conf.database), so that the
# web process and the task worker writing together never meet « database is locked ».
if PRODUCTION:
    DATABASES = {"default": env.db_url_config(require("DATABASE_URL"))}
else:
    DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"] = with_sqlite_options(
    DATABASES["default"],
    busy_timeout_ms=env.int("ECOMMUNE_SQLITE_BUSY_TIMEOUT_MS", default=SQLITE_BUSY_TIMEOUT_MS),
)
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # Wagtail's search index uses PostgreSQL's full-text fields (required by Django 6.1).
    INSTALLED_APPS += ["django.contrib.postgres"]

# Cache: Redis when REDIS_URL is given (sessions and rate limits are shared between
# app servers then), local memory otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work: the Tasks API; the database backend needs no extra service, RQ
# (Redis) is for scale. ECOMMUNE_TASKS_BACKEND=rq switches.
TASKS_BACKEND = env.str("ECOMMUNE_TASKS_BACKEND", default="database")
if TASKS_BACKEND == "rq":
    if not REDIS_URL:
        raise MissingVariable(
            "ECOMMUNE_TASKS_BACKEND=rq needs the environment variable REDIS_URL "
            "(such as redis://127.0.0.1:6379/0)."
        )
    # django_rq gives the worker command: `manage.py rqworker default`.
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Email: the Django mail API; console in development, an SMTP URL in production
# (or an anymail provider through EMAIL_BACKEND). Django 6.1 names it MAILERS.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ne-pas-repondre@ecommune.localhost")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Each commune may send from its own address (Commune.sender_email); when this list is
# given, only from these domains (and their subdomains), the ones allowing this server.
ECOMMUNE_SENDER_DOMAINS = env.list("ECOMMUNE_SENDER_DOMAINS", default=[])
if PRODUCTION:
    _email = env.email_url_config(require("EMAIL_URL"))
else:
    _email = env.email_url("EMAIL_URL", default="consolemail://")
_email_backend = env.str("EMAIL_BACKEND", default=_email["EMAIL_BACKEND"])
# django-environ gives None for what the URL leaves out.
_smtp_options = {
    "host": _email.get("EMAIL_HOST") or "localhost",
    "port": _email.get("EMAIL_PORT") or 25,
    "username": _email.get("EMAIL_HOST_USER") or "",
    "password": _email.get("EMAIL_HOST_PASSWORD") or "",
    "use_tls": bool(_email.get("EMAIL_USE_TLS")),
    "use_ssl": bool(_email.get("EMAIL_USE_SSL")),
    "timeout": env.int("EMAIL_TIMEOUT", default=20),
}
if django.VERSION >= (6, 1):
    # Django 6.1 configures mail with MAILERS; the EMAIL_* settings may not be mixed in.
    MAILERS = {"default": {"BACKEND": _email_backend}}
    if _email_backend.endswith("smtp.EmailBackend"):
        MAILERS["default"]["OPTIONS"] = _smtp_options
else:
    EMAIL_BACKEND = _email_backend
    EMAIL_HOST = _smtp_options["host"]
    EMAIL_PORT = _smtp_options["port"]
    EMAIL_HOST_USER = _smtp_options["username"]
    EMAIL_HOST_PASSWORD = _smtp_options["password"]
    EMAIL_USE_TLS = _smtp_options["use_tls"]
    EMAIL_USE_SSL = _smtp_options["use_ssl"]
    EMAIL_TIMEOUT = _smtp_options["timeout"]

# Payments through django-payments with our eopayment provider (ecommune.payments).
# The bank calls back the current commune's own domain; each commune's backend and
# its settings (PayFiP client number...) are its own, in the admin; `dummy` by default.
PAYMENT_MODEL = "ecommune_payments.Payment"


def _payment_host():
    from ecommune.payments.hosts import current_host

    return current_host()


PAYMENT_HOST = _payment_host
PAYMENT_USES_SSL = env.bool("PAYMENT_USES_SSL", default=PRODUCTION)
PAYMENT_VARIANTS = {"eopayment": ("ecommune.payments.provider.EopaymentProvider", {})}

# SMS through django-sms: console in development, a provider backend in production.
SMS_BACKEND = env.str(
    "SMS_BACKEND",
    default="sms.backends.console.SmsBackend",
)
if PRODUCTION and SMS_BACKEND in ("", "sms.backends.console.SmsBackend"):
    SMS_BACKEND = require("SMS_BACKEND")
# The sender name of SMS, for communes that did not choose theirs (Commune.sms_sender).
DEFAULT_FROM_SMS = env.str("DEFAULT_FROM_SMS", default="MAIRIE")
# Brevo's transactional SMS (SMS_BACKEND=ecommune.notifications.sms_brevo.SmsBackend):
# the API key of the Brevo account, from .env; `ecommune doctor` checks it with Brevo.
BREVO_API_KEY = env.str("BREVO_API_KEY", default="")
BREVO_API_URL = env.str("BREVO_API_URL", default="https://api.brevo.com/v3")
BREVO_TIMEOUT = env.float("BREVO_TIMEOUT", default=15.0)
if PRODUCTION and SMS_BACKEND == "ecommune.notifications.sms_brevo.SmsBackend":
    BREVO_API_KEY = require("BREVO_API_KEY")

# Files: local storage by default, S3-compatible (django-storages) with AWS_STORAGE_BUCKET_NAME.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "static")))
STATIC_URL = "/static/"
STATICFILES_DIRS = theme_static_dirs()
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage"
        if AWS_STORAGE_BUCKET_NAME
        else "django.core.files.storage.FileSystemStorage"
    },
    # Residents' documents: never under MEDIA_ROOT (which the web server serves to anyone);
    # the kit serves them through views that check who asks.
    "private": {
        "BACKEND": "storages.backends.s3.S3Storage"
        if AWS_STORAGE_BUCKET_NAME
        else "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": "private", "default_acl": "private"}
        if AWS_STORAGE_BUCKET_NAME
        else {"location": env.str("PRIVATE_ROOT", default=str(BASE_DIR / "private"))},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
FILE_UPLOAD_PERMISSIONS = 0o640

# French first.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = "FR"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Security headers, always on; HTTPS-only ones in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a commitment for the whole domain (often shared with the town's
        # other services): the commune opts in with SECURE_HSTS_PRELOAD=true.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Permissions-Policy (django-permissions-policy): the browser features a page may use. The
# kit uses none of these, so each is denied to the page and to any frame; only the back
# office's « copy » buttons write to the clipboard (Wagtail's navigator.clipboard). A site
# that needs one (a map with « locate me »: "geolocation": ["self"]) overrides this setting
# in its own settings file; the same policy is on every response, errors included.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "ambient-light-sensor": [],
    "autoplay": [],
    "bluetooth": [],
    "browsing-topics": [],
    "camera": [],
    "captured-surface-control": [],
    "clipboard-read": [],
    "clipboard-write": ["self"],
    "compute-pressure": [],
    "digital-credentials-create": [],
    "digital-credentials-get": [],
    "display-capture": [],
    "encrypted-media": [],
    "fullscreen": [],
    "gamepad": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "identity-credentials-get": [],
    "idle-detection": [],
    "keyboard-map": [],
    "local-fonts": [],
    "local-network": [],
    "local-network-access": [],
    "loopback-network": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "otp-credentials": [],
    "payment": [],
    "picture-in-picture": [],
    "private-state-token-issuance": [],
    "private-state-token-redemption": [],
    "publickey-credentials-create": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "speaker-selection": [],
    "storage-access": [],
    "usb": [],
    "web-share": [],
    "window-management": [],
    "xr-spatial-tracking": [],
}

# Content Security Policy (django-csp 4): strict, no inline script, nothing from outside.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# Wagtail's admin sets inline styles: its pages get 'unsafe-inline' for styles only.
ECOMMUNE_ADMIN_STYLE_SRC = ["'self'", "'unsafe-inline'"]

# Wagtail.
WAGTAIL_SITE_NAME = env.str("WAGTAIL_SITE_NAME", default="ecommune")
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français"), ("en", "English")]
WAGTAIL_USER_CUSTOM_FIELDS = []
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "xlsx", "ods", "txt", "zip"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: agents' email hashes do not leave the town's server.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Logs on standard error (journald): one JSON object per line in production (python-json-logger),
# with the request's id (django-log-request-id: nginx's X-Request-ID, or a new one, sent back
# in the response's X-Request-ID); ECOMMUNE_LOG_FORMAT=text for plain lines.
LOG_FORMAT = env.str("ECOMMUNE_LOG_FORMAT", default="json" if PRODUCTION else "text")
LOG_REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
GENERATE_REQUEST_ID_IF_NOT_IN_HEADER = True
REQUEST_ID_RESPONSE_HEADER = "X-Request-ID"
NO_REQUEST_ID = "-"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "log_request_id.filters.RequestIDFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Errors to Sentry (or GlitchTip, any Sentry-compatible service) when SENTRY_DSN is given;
# install the extra: pip install "ecommune[sentry]". No personal data is sent.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from ecommune.conf.sentry import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=env.str(
            "SENTRY_ENVIRONMENT", default="production" if PRODUCTION else "development"
        ),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# ecommune's own settings.
# Where the back office lives; agents are scoped to their own commune there.
ECOMMUNE_ADMIN_PREFIX = "/admin/"
ECOMMUNE_DEFAULT_THEME = env.str("ECOMMUNE_DEFAULT_THEME", default="commune")
# Uploads: the largest file a resident may send, and how long each kind of document is kept.
ECOMMUNE_UPLOAD_MAX_BYTES = env.int("ECOMMUNE_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
ECOMMUNE_DOCUMENT_RETENTION_DAYS = {
    "identity": 365,
    "proof_of_address": 365,
    "family_record": 365,
    "income": 2 * 365,
    "other": 365,
}
# Days after an appointment before its name, email and phone are erased
# (`ecommune_forget_appointments`, daily); the personal-data page states it.
ECOMMUNE_APPOINTMENT_RETENTION_DAYS = env.int("ECOMMUNE_APPOINTMENT_RETENTION_DAYS", default=180)
# Days a signed-in resident's unfinished form (a draft, with its files) is kept after its last
# change (`ecommune_purge_documents`, daily); « Mon espace » and the personal-data page say it.
ECOMMUNE_DRAFT_RETENTION_DAYS = env.int("ECOMMUNE_DRAFT_RETENTION_DAYS", default=30)
# Links in emails and SMS point at the commune's site with this scheme.
ECOMMUNE_PUBLIC_SCHEME = (
    "https" if PRODUCTION else env.str("ECOMMUNE_PUBLIC_SCHEME", default="http")
)
# How recently a task worker must have finished a task for `ecommune doctor` to be content.
ECOMMUNE_WORKER_HEARTBEAT_SECONDS = env.int("ECOMMUNE_WORKER_HEARTBEAT_SECONDS", default=15)
# Where the daily `import-fiches` job downloads service-public.fr's fiches (the DILA's set).
ECOMMUNE_FICHES_URL = env.str(
    "ECOMMUNE_FICHES_URL",
    default="https://lecomarquage.service-public.gouv.fr/donnees_locales_v4/vosdroits-latest.zip",
)
# The periodic jobs (ecommune.core.periodic): the site's own, and the kit's turned off by name.
ECOMMUNE_PERIODIC_JOBS = []
ECOMMUNE_PERIODIC_JOBS_DISABLED = env.list("ECOMMUNE_PERIODIC_JOBS_DISABLED", default=[])
# Whole portal pages for visitors without cookies (ecommune.cms.page_cache): at most this
# many seconds, and never past a portal change; 0 turns it off.
ECOMMUNE_PAGE_CACHE_SECONDS = env.int("ECOMMUNE_PAGE_CACHE_SECONDS", default=15)
# The health endpoint (ecommune.core.health) for load balancers.
ECOMMUNE_HEALTH_PATH = env.str("ECOMMUNE_HEALTH_PATH", default="/health/")
# The key the ANTS hub sends to /api/ants/ (X-HUB-RDV-AUTH-TOKEN); empty: those calls are off.
ECOMMUNE_ANTS_HUB_TOKEN = env.str("ECOMMUNE_ANTS_HUB_TOKEN", default="")

# Accounts: how long the link verifying a new resident's address works (seconds).
ECOMMUNE_EMAIL_VERIFICATION_MAX_AGE = env.int(
    "ECOMMUNE_EMAIL_VERIFICATION_MAX_AGE", default=3 * 24 * 3600
)
# Accounts: how long the link inviting an agent works (seconds); it also stops working once
# used or when a newer invitation is sent (ecommune.accounts.invitations).
ECOMMUNE_AGENT_INVITATION_MAX_AGE = env.int(
    "ECOMMUNE_AGENT_INVITATION_MAX_AGE", default=7 * 24 * 3600
)
# Every back-office user gives a TOTP code (django-otp) before entering the admin.
ECOMMUNE_AGENT_OTP_REQUIRED = env.bool("ECOMMUNE_AGENT_OTP_REQUIRED", default=True)
# Failed sign-ins (django-axes), on the residents' page and the back office's alike: after 5
# failures for one address from one IP address, that pair waits 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "ecommune.accounts.lockout.lockout_username"
AXES_LOCKOUT_TEMPLATE = "ecommune_accounts/lockout.html"
# The lockout page also tells why when the per-connection or per-account limit refused.
AXES_LOCKOUT_CALLABLE = "ecommune.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# The audit trail records agents' sign-ins; axes need not log every successful one.
AXES_DISABLE_ACCESS_LOG = True
AXES_CLIENT_IP_CALLABLE = "ecommune.core.throttling.client_ip_address"
# Behind nginx the client's address is in X-Forwarded-For: ECOMMUNE_PROXY_COUNT=1 reads it
# (the number of the site's own proxies in front of the app; 0 reads REMOTE_ADDR).
ECOMMUNE_PROXY_COUNT = env.int("ECOMMUNE_PROXY_COUNT", default=0)
# Rate limits (django-ratelimit, in the default cache: share it with REDIS_URL when several
# app servers run): failed sign-ins per connection and per account, sign-ups, password
# resets, new verification links, tracking by reference, household invitations. Defaults
# in ecommune.core.throttling.DEFAULT_RATES; a site overrides some, such as
# ECOMMUNE_RATE_LIMITS = {"invitation-account": "3/d"} (None turns one off).
ECOMMUNE_RATE_LIMITS = {}
# The back office's « mot de passe oublié » queues its email to the outbox too.
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "ecommune.accounts.forms.AgentPasswordResetForm"  # noqa: S105

# FranceConnect (OpenID Connect, v2) for residents: see docs/it-team/franceconnect.md.
# The issuer is where the discovery document lives ({issuer}/.well-known/openid-configuration):
#   integration  https://fcp-low.sbx.dev-franceconnect.fr/api/v2
#   production   https://oidc.franceconnect.gouv.fr/api/v2
# Credentials work only on the platform that issued them. Disabled, the button is not shown.
ECOMMUNE_FRANCECONNECT_ENABLED = env.bool("ECOMMUNE_FRANCECONNECT_ENABLED", default=False)
ECOMMUNE_FRANCECONNECT_ISSUER = env.str(
    "ECOMMUNE_FRANCECONNECT_ISSUER", default="https://fcp-low.sbx.dev-franceconnect.fr/api/v2"
).rstrip("/")
if PRODUCTION and ECOMMUNE_FRANCECONNECT_ENABLED:
    ECOMMUNE_FRANCECONNECT_CLIENT_ID = require("ECOMMUNE_FRANCECONNECT_CLIENT_ID")
    ECOMMUNE_FRANCECONNECT_CLIENT_SECRET = require("ECOMMUNE_FRANCECONNECT_CLIENT_SECRET")
else:
    ECOMMUNE_FRANCECONNECT_CLIENT_ID = env.str("ECOMMUNE_FRANCECONNECT_CLIENT_ID", default="")
    ECOMMUNE_FRANCECONNECT_CLIENT_SECRET = env.str(
        "ECOMMUNE_FRANCECONNECT_CLIENT_SECRET", default=""
    )
# The algorithm FranceConnect signs the ID token and the userinfo with, as chosen for the
# service on the partner portal (ES256 recommended, or RS256).
ECOMMUNE_FRANCECONNECT_SIGN_ALGO = env.str("ECOMMUNE_FRANCECONNECT_SIGN_ALGO", default="ES256")
ECOMMUNE_FRANCECONNECT_SCOPES = env.list(
    "ECOMMUNE_FRANCECONNECT_SCOPES",
    default=[
        "openid",
        "given_name",
        "family_name",
        "preferred_username",
        "birthdate",
        "gender",
        "birthplace",
        "birthcountry",
        "email",
    ],
)
ECOMMUNE_FRANCECONNECT_ACR_VALUES = env.str("ECOMMUNE_FRANCECONNECT_ACR_VALUES", default="eidas1")
# Seconds to wait for FranceConnect's token, userinfo and keys endpoints.
ECOMMUNE_FRANCECONNECT_TIMEOUT = env.int("ECOMMUNE_FRANCECONNECT_TIMEOUT", default=10)

# The public read API under /api/v1/ (ecommune.api, docs/it-team/api.md). Anonymous reads,
# limited per client address and commune in the default cache (share it with REDIS_URL when
# several app servers run): django-ratelimit's syntax is not used here but DRF's,
# "120/min", "2000/hour"; None turns the limit off.
ECOMMUNE_API_THROTTLE_RATE = env.str("ECOMMUNE_API_THROTTLE_RATE", default="120/min") or None
# Seconds the live figures (waiting time, free slots) are kept in the cache per commune;
# the rest follows the portal cache (ECOMMUNE_PORTAL_CACHE_SECONDS and its version).
ECOMMUNE_API_LIVE_CACHE_SECONDS = env.int("ECOMMUNE_API_LIVE_CACHE_SECONDS", default=30)
REST_FRAMEWORK = {
    # Only the kit's API views use DRF's defaults below; Wagtail's admin API sets its own.
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ecommune — API publique",
    "DESCRIPTION": (
        "Open data of the commune whose address is called: the town hall, its online "
        "services, the waiting time at its counters, free appointment slots, news and "
        "events, residents' satisfaction and the service-public.fr fiches it shows. "
        "No personal data. Read-only, no authentication, rate-limited."
    ),
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Its deploy check would build a schema of every DRF view, Wagtail's admin API included;
    # the kit's schema is /api/v1/ only, checked by tests/api (no warning, schemathesis).
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "LICENSE": {
        "name": "Licence Ouverte / Open Licence 2.0",
        "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    },
}
# CORS: any site may read the public API (GET only, no cookies); nothing else is shared
# (the agents' API, /api/v1/agent/, is for programs on servers: no CORS header).
CORS_URLS_REGEX = r"^/api/v1/(?!agent/).*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False
CORS_PREFLIGHT_MAX_AGE = 86400
