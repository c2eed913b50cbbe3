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
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
