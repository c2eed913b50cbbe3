"""gunicorn settings for the web process: ``gunicorn -c python:portal.gunicorn_conf portal.wsgi``.

Threaded workers (gthread): a sign-in spends ~0.3 CPU-seconds in PBKDF2 (hashlib releases the
GIL while it hashes), so with one thread per worker a burst of sign-ins holds every worker and
plain pages wait behind them. With threads, other requests of the same worker are served while
passwords are hashed; the hash strength is unchanged. Every value is an environment variable.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(min(multiprocessing.cpu_count() * 2, 8))))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "8"))
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# No access log of gunicorn's own: its request line carries the query string (a search could
# carry a member ID). The application writes one JSON line per request instead (path without
# the query, status, milliseconds, request id, user id: portal/ops/logs.py). WEB_ACCESS_LOG=-
# turns gunicorn's back on.
accesslog = os.environ.get("WEB_ACCESS_LOG") or None
errorlog = "-"
# gunicorn's own lines (start, workers, timeouts) as JSON too, like the application's
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "timestamp": "time",  # ISO 8601 in UTC
            "rename_fields": {"levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "INFO", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False}
    },
}
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
