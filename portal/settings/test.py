"""Tests: the machine's PostgreSQL and Redis when they answer, else the embedded ones."""

import os

from portal.embedded import port_open

if "DATABASE_URL" not in os.environ and port_open("127.0.0.1", 5432):
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/wqip"
if "CELERY_BROKER_URL" not in os.environ and port_open("127.0.0.1", 6379):
    os.environ["CELERY_BROKER_URL"] = "redis://127.0.0.1:6379/14"
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("SECURE_COOKIES", "false")

from portal.settings.base import *  # noqa: F403
from portal.settings.base import CELERY_BROKER_URL, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
# unit tests run tasks in-process; integration tests start a real worker (tests/integration)
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PRIVATE_MEDIA_ROOT = MEDIA_ROOT = VAR_DIR / "test-private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "portal.files.storage.PrivateStorage"},
}
WQIP_TEST_BROKER_URL = CELERY_BROKER_URL
# one process, no state shared between test runs (allauth's rate limits and used TOTP codes
# live in the cache); django-axes (database) still enforces the lockout
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# allauth takes False for "no limits" (base sets a dict of them)
ACCOUNT_RATE_LIMITS = False  # type: ignore[assignment]

# Django's test flush truncates every table; the ledger's append-only trigger lets TRUNCATE
# through only when this session setting is on (payments migration ledger_append_only).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c wqip.allow_ledger_truncate=on"  # noqa: F405
