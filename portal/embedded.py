"""No-server defaults: an embedded PostgreSQL (pgserver wheel) and a filesystem Celery broker.

Used only when ``DATABASE_URL`` / ``CELERY_BROKER_URL`` are not set, so a fresh clone runs
without any server installed.
"""

from __future__ import annotations

import logging
import os
import socket
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

logger = logging.getLogger(__name__)


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def embedded_postgres(*, data_dir: Path) -> dict[str, Any]:
    """Start (or reuse) a PostgreSQL server from the pgserver wheel and return Django settings.

    The server keeps running while any process that asked for it is alive, and stops after
    the last one exits.
    """
    runtime_dir = data_dir.parent / "run"
    runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    try:
        import pgserver
    except ImportError as exc:  # pragma: no cover - depends on the interpreter
        raise RuntimeError(
            "The embedded PostgreSQL needs the 'pgserver' wheel (CPython 3.11 or 3.12). "
            "Install the project with 'make run', or set DATABASE_URL to a PostgreSQL server."
        ) from exc

    data_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = pgserver.get_server(str(data_dir), cleanup_mode="stop")
    uri = urlparse(server.get_uri())
    host = parse_qs(uri.query).get("host", [str(data_dir)])[0]
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": (uri.path or "/postgres").lstrip("/") or "postgres",
        "USER": uri.username or "postgres",
        "PASSWORD": uri.password or "",
        "HOST": host,
        "PORT": "",
        "CONN_MAX_AGE": 0,
    }


def embedded_broker_options(folder: Path) -> dict[str, Any]:
    """Transport options for kombu's filesystem transport in a folder of the project."""
    data_in = folder / "queue"
    processed = folder / "processed"
    for path in (data_in, processed):
        path.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(data_in),
        "data_folder_out": str(data_in),
        "processed_folder": str(processed),
        "store_processed": False,
    }
