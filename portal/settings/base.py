"""Every setting, read from the environment; dev/test/prod change values only."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab

from portal.embedded import (
    celery_url_for,
    embedded_broker_options,
    embedded_postgres,
    embedded_redis,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("WQIP_VAR_DIR", BASE_DIR / "var"))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="insecure-dev-key-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "auditlog",
    "django_celery_beat",
    "portal",
    "portal.inquiries",
    "payments",
    "disputes",
    "programs.wqip",
    "programs.ecm",
    "programs.qaf",
    "programs.ipp",
]

MIDDLEWARE = [
    "portal.ops.logs.RequestContextMiddleware",  # request id + one log line per request
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # above every layer that uses the database: an outage answers the 503 page
    # (portal/unavailable.py)
    "portal.unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "portal.ops.logs.UserContextMiddleware",  # the user's id on the request's log lines
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.accounts.middleware.IdleSessionMiddleware",
    "portal.accounts.middleware.RequireStaffMFAMiddleware",
    "portal.accounts.middleware.ProgramScopeMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
            # the money filter on every page and PDF without a {% load %}
            "builtins": ["portal.templatetags.portal_format"],
        },
    },
]

# --- database: PostgreSQL everywhere -------------------------------------------------------
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    DATABASES = {"default": embedded_postgres(data_dir=VAR_DIR / "pgdata")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
# one connection per process (or gunicorn thread) reused across requests, checked before reuse
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts ------------------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "portal.accounts.adapters.PortalAccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = False
# Sign-in throttling (docs/security.md). django-axes locks an account after 5 failed sign-ins
# from anywhere; allauth's rate limits throttle an address (failed sign-ins of any accounts, and
# all sign-in posts). Behind a load balancer the client address comes from X-Forwarded-For,
# trusting exactly WQIP_TRUSTED_PROXY_COUNT proxies (one setting for both libraries).
WQIP_TRUSTED_PROXY_COUNT = env.int("WQIP_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = WQIP_TRUSTED_PROXY_COUNT
ACCOUNT_RATE_LIMITS = {
    "login": env.str("WQIP_RATE_LIMIT_LOGIN", default="30/m/ip"),
    "login_failed": env.str("WQIP_RATE_LIMIT_LOGIN_FAILED", default="20/15m/ip"),
    "reset_password": env.str("WQIP_RATE_LIMIT_RESET_PASSWORD", default="20/m/ip,5/m/key"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "WQIP Portal"
# a code typed just before a 30-second boundary still works when the request arrives after it;
# a used code is refused for the whole window (allauth remembers it in the cache)
MFA_TOTP_TOLERANCE = env.int("WQIP_TOTP_TOLERANCE", default=1)
PASSWORD_RESET_TIMEOUT = 60 * 60  # reset link valid one hour

# django-axes: 5 failures lock the account (whatever the address) for 30 minutes
AXES_FAILURE_LIMIT = env.int("WQIP_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = env.float("WQIP_LOCKOUT_MINUTES", default=30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for "ip_address" among the lock-out parameters, against lock-outs that a
# rotated User-Agent or cookie escapes. Ours is keyed on the account alone, which no rotation
# escapes; addresses are throttled by allauth's "login_failed" rate limit instead, because an
# axes lock per address would lock out every user behind one proxy or office network after
# five typos (issue 20). docs/security.md says this; tests/portal/test_signin_security.py checks it.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_CALLABLE = "portal.accounts.signin.signin_username"
AXES_CLIENT_IP_CALLABLE = "portal.accounts.signin.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_VERBOSE = False

# idle timeout: 15 minutes without a request. The session row is renewed at most once a minute
# (portal.middleware.IdleSessionMiddleware), not written on every page.
SESSION_COOKIE_AGE = 15 * 60
SESSION_SAVE_EVERY_REQUEST = False
# Sessions are read from the shared cache (Redis) and written through to the database: a page
# reads no session row, and a session survives a cache flush or restart (make load, issue 13).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
WQIP_SESSION_RENEW_SECONDS = 60
# The home page's panels per user in the shared cache, invalidated by every model write
# (portal/home.py); 0 turns the cache off.
WQIP_HOME_CACHE_SECONDS = env.int("WQIP_HOME_CACHE_SECONDS", default=30)
# The content of the busiest pages (bed days, the member drill-down, payments, the ledger) per
# user and address in the shared cache under the same data version (portal/pagecache.py); 0
# turns it off.
WQIP_PAGE_CACHE_SECONDS = env.int("WQIP_PAGE_CACHE_SECONDS", default=30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
WQIP_IDLE_WARNING_SECONDS = 2 * 60  # warn two minutes before the idle timeout

SECURE_COOKIES = env.bool("SECURE_COOKIES", default=True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- i18n / time ---------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
USE_TZ = True

# --- static and uploads --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # opt-in documents, dispute attachments and letters (portal.files.models.private_storage)
    "private": {"BACKEND": "portal.files.storage.PrivateStorage"},
}
# --- uploads on S3-compatible object storage (issue 13) ------------------------------------
# With WQIP_S3_BUCKET set, claim files ("default") and private documents ("private") are
# objects in that bucket (django-storages, boto3), under the same names as on disk; AWS_* as
# boto3 reads them, AWS_S3_ENDPOINT_URL for a server other than AWS. No ACL, no URL.
WQIP_S3_BUCKET = env.str("WQIP_S3_BUCKET", default="")
if WQIP_S3_BUCKET:
    _S3_OPTIONS = {
        "bucket_name": WQIP_S3_BUCKET,
        "location": env.str("WQIP_S3_PREFIX", default=""),
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
    }
    STORAGES["default"] = STORAGES["private"] = {
        "BACKEND": "portal.files.s3.PrivateS3Storage",
        "OPTIONS": _S3_OPTIONS,
    }
# where a worker copies an object before reading it as a file (claims import); None: the system's
WQIP_TEMP_DIR = env.str("WQIP_TEMP_DIR", default="") or None
# uploads live outside any public path and are served only through permission-checked views
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
WQIP_UPLOAD_MAX_BYTES = env.int("WQIP_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# the state's statewide files (CDPH listing ~15,000 rows, enforcement actions ~41,000 rows)
STATE_FILE_MAX_BYTES = env.int("STATE_FILE_MAX_BYTES", default=64 * 1024 * 1024)
# claims files from the web: streamed to a temporary file (not memory) as they arrive
WQIP_CLAIMS_UPLOAD_MAX_BYTES = env.int("WQIP_CLAIMS_UPLOAD_MAX_BYTES", default=2 * 1024**3)
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default=None)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# an inquiry's resolution target in working days (its first reply is due in 2, §9)
WQIP_INQUIRY_RESOLUTION_WORKING_DAYS = env.int("WQIP_INQUIRY_RESOLUTION_WORKING_DAYS", default=10)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- email ---------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
# seconds an SMTP conversation may take before the send fails (and is retried later)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="WQIP Portal <no-reply@wqip.example>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# links in e-mails are absolute: the portal's public address
WQIP_SITE_URL = env.str("SITE_URL", default="http://localhost:8000")
WQIP_MAIL_DOMAIN = env.str("MAIL_DOMAIN", default="wqip.example")

# --- Celery --------------------------------------------------------------------------------
# Neither set: the embedded Redis server (portal/embedded.py) is broker (db 0), shared cache
# (db 1) and result backend (db 2) for every process, as a real Redis is in production.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
_result_backend = celery_url_for(REDIS_URL) if REDIS_URL else None
if not REDIS_URL and not CELERY_BROKER_URL:
    _redis_socket = embedded_redis(folder=VAR_DIR / "redis")
    if _redis_socket is not None:
        CELERY_BROKER_URL = f"redis+socket://{_redis_socket}?virtual_host=0"
        REDIS_URL = f"unix://{_redis_socket}?db=1"
        _result_backend = f"redis+socket://{_redis_socket}?virtual_host=2"
CELERY_BROKER_URL = CELERY_BROKER_URL or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    CELERY_BROKER_TRANSPORT_OPTIONS = embedded_broker_options(VAR_DIR / "broker")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=_result_backend) or None
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Static entries; django-celery-beat's DatabaseScheduler copies them into its tables at start.
CELERY_BEAT_SCHEDULE: dict = {
    "sweep-due-notices": {
        "task": "portal.sweep_due_notices",
        "schedule": 120.0,  # every 2 minutes
        "options": {"expires": 110},
    },
    "produce-daily-reminders": {
        "task": "portal.produce_daily_reminders",
        "schedule": crontab(hour=6, minute=15),  # America/Los_Angeles (CELERY_TIMEZONE)
    },
    # does nothing until a program admin switches a download address on (issue 24)
    "refresh-registry-from-state": {
        "task": "portal.refresh_registry_from_state",
        "schedule": crontab(day_of_month=2, hour=5, minute=30),
    },
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- jobs (portal/jobs, docs/operations.md) -------------------------------------------------
# a queued or running job without a sign of life (heartbeat) for this long, and whose lock no
# worker holds, is queued again by the beat task; after JOBS_MAX_ATTEMPTS starts it fails
JOBS_STALE_AFTER_SECONDS = env.int("JOBS_STALE_AFTER_SECONDS", default=120)
JOBS_MAX_ATTEMPTS = env.int("JOBS_MAX_ATTEMPTS", default=3)
JOBS_RETRY_DELAY_SECONDS = env.float("JOBS_RETRY_DELAY_SECONDS", default=2.0)
# tests only: a worker stops at "kind:stage" for JOBS_PAUSE_SECONDS (so a test can kill it there)
JOBS_PAUSE_AT = env.str("JOBS_PAUSE_AT", default="")
JOBS_PAUSE_SECONDS = env.float("JOBS_PAUSE_SECONDS", default=3600.0)
CELERY_BEAT_SCHEDULE["recover-stale-jobs"] = {
    "task": "portal.recover_jobs",
    "schedule": 60.0,  # every minute
    "options": {"expires": 55},
}
# Redis gives an unacknowledged task to another worker after the visibility timeout: keep it
# above the longest job (12 h) so a running job is not delivered twice; recovery of a dead
# worker's job does not wait for it (it works from the job rows, see portal/jobs)
if not CELERY_BROKER_URL.startswith("filesystem"):  # Redis (a server, a socket, embedded)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **vars().get("CELERY_BROKER_TRANSPORT_OPTIONS", {}),
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=12 * 3600),
    }

# --- caches --------------------------------------------------------------------------------
if REDIS_URL:
    CACHES = {
        # Django's RedisCache, reusing its redis-py client (portal/cache.py)
        "default": {"BACKEND": "portal.cache.PortalRedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- WQIP calculation settings (contract §2, §3) -------------------------------------------
WQIP_COUNT_LEAVE_DAYS = env.bool("WQIP_COUNT_LEAVE_DAYS", default=False)
WQIP_CITATION_DATE_FIELD = env.str("WQIP_CITATION_DATE_FIELD", default="VIOLATION_FROM_DATE")
WQIP_CLASS_A_MODE = env.str("WQIP_CLASS_A_MODE", default="once")

# --- claims import: large files are loaded by several database sessions at once ------------
# (payments.claim_parallel_load); workers default to the number of cores (at most 4)
WQIP_CLAIMS_LOAD_WORKERS = env.int("WQIP_CLAIMS_LOAD_WORKERS", default=None)
WQIP_CLAIMS_PARALLEL_MIN_BYTES = env.int("WQIP_CLAIMS_PARALLEL_MIN_BYTES", default=16 * 1024 * 1024)

# the 503 page shown while the database is unreachable asks to come back after this
WQIP_RETRY_AFTER_SECONDS = env.int("WQIP_RETRY_AFTER_SECONDS", default=30)

# --- operations (issue 13): JSON logs, Sentry ------------------------------------------------
# One JSON object a line on stderr with the request id (the Celery task id in a worker) and the
# signed-in user's id (portal/ops/logs.py); ids only, never names, e-mails or member IDs, and a
# request's path without its query string. LOG_FORMAT=text for people reading a console.
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "portal.ops.logs.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "portal.ops.logs.PortalJsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s",
            "timestamp": "time",  # ISO 8601 in UTC
            "rename_fields": {"levelname": "level", "name": "logger"},
        },
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s user=%(user_id)s] "
            "%(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "pgserver": {"level": "WARNING"},
        # one line per request at INFO (LOG_LEVEL); a console in text mode has the dev
        # server's own lines
        **({} if LOG_FORMAT == "json" else {"portal.request": {"level": "WARNING"}}),
    },
}
# rotating SECRET_KEY: the old key here for a while keeps sessions and reset links valid
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
# load balancers probe over plain HTTP behind TLS termination (prod redirects everything else)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# workers log through the same handler (JSON, task id as request id) instead of Celery's own
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Errors to Sentry only when SENTRY_DSN is set; no personal data (no user e-mail, address,
# cookies or request bodies) is sent.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# SNF Quality Assurance Fee (docs/qaf.md): the readings [A] of the domain guide as settings
QAF_EXCLUDE_MEDICARE_DAYS = env.bool("QAF_EXCLUDE_MEDICARE_DAYS", default=True)
# which annual days set the tier: "previous_12_months" or "previous_calendar_year"
QAF_TIER_BASIS = env.str("QAF_TIER_BASIS", default="previous_12_months")

# CalAIM IPP (docs/ipp.md): the readings [A] of the domain guide as settings
IPP_CAP_PERCENT = env.str("IPP_CAP_PERCENT", default="5")  # 42 CFR 438.6(b)(2)
# the public feedback form: posts accepted per address per hour, and the least seconds between
# showing the form and posting it (a faster post is a robot's)
IPP_FEEDBACK_PER_HOUR = env.int("IPP_FEEDBACK_PER_HOUR", default=20)
IPP_FEEDBACK_MIN_SECONDS = env.int("IPP_FEEDBACK_MIN_SECONDS", default=3)
