"""Production: secrets from the environment, HTTPS only, HSTS.

Production never falls back to the development parts (embedded PostgreSQL, embedded Redis,
filesystem broker, per-process cache): each of REQUIRED_VARIABLES must be set, or the process
refuses to start and names what is missing (checked before base.py could start anything).
"""

import os

from django.core.exceptions import ImproperlyConfigured

REQUIRED_VARIABLES = ("SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL")
_missing = [name for name in REQUIRED_VARIABLES if not os.environ.get(name, "").strip()]
if _missing:
    raise ImproperlyConfigured(
        "Production settings (portal.settings.prod) need these environment variables: "
        f"{', '.join(_missing)} is not set. See docs/operations.md."
    )

os.environ.setdefault("SECURE_COOKIES", "true")
os.environ.setdefault("HSTS_SECONDS", "31536000")

from portal.settings.base import *  # noqa: E402, F403
from portal.settings.base import SECRET_KEY, env  # noqa: E402

DEBUG = False
if SECRET_KEY.startswith("insecure") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 50 characters.")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
