"""CPU per page of the load test's pages, in one process: ``python -m tests.load.cpu``.

The same database, users and pages as ``make load`` (``tests.load.prepare``), rendered through
Django's test client with the production settings (DEBUG off, cached template loader, Redis
cache), without gunicorn or a network. For each page it prints the mean CPU time of this
process (``time.process_time``) and of the PostgreSQL backend serving it (its
``/proc/<pid>/stat``), and the query count. CPU time does not depend on what else runs on the
machine, so a change can be judged here before a full ``make load`` (docs/benchmarks.md).

    python -m tests.load.cpu [--users 50] [--rounds 5] [--profile FILE]
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from collections import defaultdict


def configure() -> None:
    from tests.load.__main__ import HOST, load_database_url

    os.environ["DATABASE_URL"] = load_database_url()
    os.environ.setdefault("WQIP_VAR_DIR", "var/load")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": f"{HOST},testserver",
            "SECURE_SSL_REDIRECT": "false",
            "HSTS_SECONDS": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
        }
    )
    if not os.environ.get("CELERY_BROKER_URL") or not os.environ.get("REDIS_URL"):
        raise SystemExit("needs CELERY_BROKER_URL and REDIS_URL (source .env.helper)")


def backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a PostgreSQL backend on this machine."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.load.cpu")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", help="write cProfile stats of the measured renders here")
    args = parser.parse_args(argv)
    configure()

    from tests.load.__main__ import prepare

    load_users = prepare(args.users)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.models import User

    clients = []
    for load_user in load_users:
        client = Client()
        client.force_login(User.objects.get(email=load_user.email))
        clients.append((client, load_user))
    queries: dict[str, list[int]] = defaultdict(list)
    for client, load_user in clients:
        for name, path in load_user.pages.items():
            client.get(path)  # warm-up: templates compiled, home panels cached
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{load_user.email}: {path} answered {response.status_code}")
            queries[name].append(len(captured))
    pid = connection.connection.info.backend_pid
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    python: dict[str, float] = defaultdict(float)
    database: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    for _ in range(args.rounds):
        for client, load_user in clients:
            for name, path in load_user.pages.items():
                db_before = backend_cpu(pid)
                before = time.process_time()
                if profiler is not None:
                    profiler.enable()
                response = client.get(path)
                if profiler is not None:
                    profiler.disable()
                python[name] += time.process_time() - before
                database[name] += backend_cpu(pid) - db_before
                count[name] += 1
                if response.status_code != 200:
                    raise SystemExit(f"{load_user.email}: {path} answered {response.status_code}")
    if profiler is not None:
        profiler.dump_stats(args.profile)
    rows = [
        "| page | renders | Python CPU ms | PostgreSQL CPU ms | queries (mean) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in sorted(count):
        rows.append(
            f"| {name} | {count[name]} | {python[name] / count[name] * 1000:.1f} | "
            f"{database[name] / count[name] * 1000:.1f} | "
            f"{sum(queries[name]) / len(queries[name]):.1f} |"
        )
    total = sum(count.values())
    rows.append(
        f"| **all** | {total} | **{sum(python.values()) / total * 1000:.1f}** | "
        f"**{sum(database.values()) / total * 1000:.1f}** | "
        f"{sum(map(sum, queries.values())) / sum(map(len, queries.values())):.1f} |"
    )
    sys.stdout.write("\n".join(rows) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
