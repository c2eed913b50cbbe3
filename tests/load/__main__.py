"""``make load``: a bounded load test of the production process model, on loopback only.

Starts gunicorn (production settings, WEB_CONCURRENCY=4 gthread workers), a Celery worker and
the one beat against the machine's PostgreSQL and Redis (DATABASE_URL + ``_load``, created when
missing, with the demo data and 50 load-test users), signs in 50 users through the real forms
(25 facility users; 25 plan staff with their TOTP step), then for ``--seconds`` (120) each user
requests home, bed days, the member drill-down and payments in a loop with a think time, and
prints requests/s, p50/p95/p99 and errors (docs/benchmarks.md). Not part of ``make test``.

    python -m tests.load [--users 50] [--seconds 120] [--think 1.0] [--workers 4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Load-Lantern-2026-portal"  # the load-test accounts of a scratch database
HOST = "127.0.0.1"  # loopback only


def load_database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit(
            "make load needs DATABASE_URL (the machine's PostgreSQL), e.g. "
            "postgres://postgres@127.0.0.1:5432/wqip"
        )
    parts = urlparse(url)
    name = parts.path.lstrip("/") + "_load"
    import psycopg

    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parts._replace(path="/" + name))


@dataclass
class LoadUser:
    email: str
    totp_secret: str | None
    pages: dict[str, str]


def prepare(users: int) -> list[LoadUser]:
    """Migrate, demo data, bed days computed, and the load-test users (idempotent)."""
    import django
    from django.core.management import call_command

    django.setup()
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.apps import apps

    from portal.models import Role, User
    from programs.wqip.models import BedDaySummary
    from tests.factories import UserFactory

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    for config in apps.get_app_configs():
        loader = getattr(config, "load_demo_data", None)
        if callable(loader):
            loader()
    with_members = [
        summary.facility
        for summary in BedDaySummary.objects.filter(program_year=2024, qualifying_days__gt=0)
        .select_related("facility")
        .order_by("-qualifying_days", "facility_id")
    ]
    if not with_members:
        raise SystemExit("the demo data has no bed days for 2024: is compute_bed_days done?")
    plan_roles = [
        Role.LTSS_LIAISON,
        Role.FINANCE_ANALYST,
        Role.FINANCE_APPROVER,
        Role.PROGRAM_ADMIN,
    ]
    result = []
    for n in range(users):
        facility_user = n % 2 == 0
        email = f"load-{'facility' if facility_user else 'plan'}-{n:03d}@load.test"
        user = User.objects.filter(email=email).first()
        facility = with_members[n % len(with_members)]
        if user is None:
            user = UserFactory.create(
                email=email,
                full_name=f"Load user {n}",
                role=Role.FACILITY_STAFF if facility_user else plan_roles[n % len(plan_roles)],
                password=PASSWORD,
                facilities=[facility] if facility_user else [],
            )
            if not facility_user:
                TOTP.activate(user, generate_totp_secret())
        secret = None
        if not facility_user:
            totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
            secret = TOTP(totp).instance.data["secret"]  # type: ignore[attr-defined]
        pages = {
            "home": "/",
            "bed days": "/payments/bed-days/?year=2024",
            "drill-down": f"/payments/bed-days/facility/{facility.pk}/?year=2024",
            "payments": (
                f"/payments/facilities/{facility.npi}/" if facility_user else "/payments/ledger/"
            ),
        }
        result.append(LoadUser(email=email, totp_secret=secret, pages=pages))
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


SERVER_PIDS: dict[str, int] = {}  # "web", "worker", "beat": the processes started here


def start_processes(*, port: int, workers: int, log_dir: Path) -> list[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "HSTS_SECONDS": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "GUNICORN_BIND": f"{HOST}:{port}",
        "WEB_CONCURRENCY": str(workers),
        # 50 sign-ins from one address in a minute: the per-address throttle is for attackers
        "WQIP_RATE_LIMIT_LOGIN": "1000/m/ip",
        "WQIP_RATE_LIMIT_LOGIN_FAILED": "1000/15m/ip",
        "LOG_LEVEL": "WARNING",
    }
    python = sys.executable
    commands = {
        "web": [python, "-m", "gunicorn", "-c", "python:portal.gunicorn_conf", "portal.wsgi"],
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
        ],
        "beat": [
            python,
            "-m",
            "celery",
            "-A",
            "portal",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(log_dir / "beat-schedule"),
        ],
    }
    log_dir.mkdir(parents=True, exist_ok=True)
    processes = []
    for name, command in commands.items():
        log = open(log_dir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        # the web logs warnings only (a JSON line per request would be measured too)
        own_env = {**env, "LOG_LEVEL": "WARNING" if name == "web" else "INFO"}
        processes.append(
            subprocess.Popen(command, cwd=ROOT, env=own_env, stdout=log, stderr=subprocess.STDOUT)
        )
        SERVER_PIDS[name] = processes[-1].pid
    return processes


def stop_processes(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


# --- the load -------------------------------------------------------------------------------


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    sign_in_seconds: list[float] = field(default_factory=list)
    sign_in_429: int = 0
    cpu_seconds: dict[str, float] = field(default_factory=dict)


class RateLimited(Exception):
    pass


class Session:
    """One signed-in user: its own cookies (kept whatever their Secure flag: loopback HTTP)."""

    def __init__(self, client, base: str) -> None:  # type: ignore[no-untyped-def]
        self.client = client
        self.base = base
        self.cookies: dict[str, str] = {}

    async def request(self, method: str, path: str, **kwargs):  # type: ignore[no-untyped-def]
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        response = await self.client.request(
            method, self.base + path, headers=headers, follow_redirects=False, **kwargs
        )
        for header in response.headers.get_list("set-cookie"):
            parsed: SimpleCookie = SimpleCookie()
            parsed.load(header)
            for name, morsel in parsed.items():
                self.cookies[name] = morsel.value
        return response

    async def form(self, path: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
        page = await self.request("GET", path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if token is None:
            raise RuntimeError(f"no CSRF token on {path} ({page.status_code})")
        return await self.request("POST", path, data={**data, "csrfmiddlewaretoken": token[1]})


async def sign_in(session: Session, user: LoadUser) -> None:
    import pyotp

    response = await session.form("/accounts/login/", {"login": user.email, "password": PASSWORD})
    # allauth's limiter answers 429, or the form again with "Too many failed login attempts"
    # (its per-account check, same cache lock), when its lock is not had within 1 s
    if response.status_code == 429 or (
        response.status_code == 200 and "too many" in response.text.lower()
    ):
        raise RateLimited
    location = response.headers.get("location", "")
    if user.totp_secret:
        if "2fa/authenticate" not in location:
            raise RuntimeError(f"{user.email}: no TOTP step ({response.status_code} {location})")
        code = pyotp.TOTP(user.totp_secret).now()
        response = await session.form(location, {"code": code})
        location = response.headers.get("location", "")
    if response.status_code == 429:
        raise RateLimited
    if response.status_code != 302 or location != "/":
        title = re.search(r"<title>([^<]*)</title>", response.text)
        raise RuntimeError(
            f"{user.email}: sign-in ended at {response.status_code} {location} "
            f"({title[1].strip() if title else response.text[:200]!r})"
        )


async def run_user(
    session: Session, user: LoadUser, *, start: float, end: float, think: float, results: Results
) -> None:
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    pages = list(user.pages.items())
    random.shuffle(pages)
    while time.monotonic() < end:
        for name, path in pages:
            if time.monotonic() >= end:
                return
            began = time.perf_counter()
            try:
                response = await session.request("GET", path)
                elapsed = time.perf_counter() - began
                if response.status_code != 200:
                    results.errors.append(f"{name}: HTTP {response.status_code}")
            except Exception as exc:
                elapsed = time.perf_counter() - began
                results.errors.append(f"{name}: {type(exc).__name__}")
            results.latencies.setdefault(name, []).append(elapsed)
            await asyncio.sleep(random.uniform(0.5 * think, 1.5 * think))


def cpu_snapshot() -> dict[str, float]:
    """CPU seconds so far of this client and of the machine as a whole (all cores, idle
    excluded). The server's share is the difference.

    Also a breakdown by group (``group:`` keys): gunicorn (the arbiter, its live workers and,
    through the arbiter's children times, the workers it recycled), the Celery worker and beat,
    PostgreSQL (every postgres process, and through the postmaster's children times the
    backends that ended: all databases of the machine, so other work on it is counted there
    too), Redis. What is in no group is the machine's other work."""
    import psutil

    mine = psutil.Process().cpu_times()
    machine = psutil.cpu_times()
    result = {
        "client": mine.user + mine.system,
        "machine": machine.user + machine.system + getattr(machine, "nice", 0.0),
    }
    web = SERVER_PIDS.get("web")
    celery = (SERVER_PIDS.get("worker"), SERVER_PIDS.get("beat"))
    for process in psutil.process_iter(["pid", "ppid", "name", "cmdline"]):
        info = process.info
        command = " ".join(info["cmdline"] or [])
        if web in (info["pid"], info["ppid"]):
            group = "web"
        elif info["pid"] in celery or info["ppid"] in celery:
            group = "worker, beat"
        elif info["name"] == "postgres" or command.startswith("postgres:"):
            group = "PostgreSQL"
        elif info["name"] == "redis-server":
            group = "Redis"
        else:
            continue
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        seconds = times.user + times.system
        if info["pid"] == web or not command.startswith("postgres:"):
            # the processes it reaped: recycled gunicorn workers, ended PostgreSQL backends
            seconds += times.children_user + times.children_system
        key = f"group:{group}"
        result[key] = result.get(key, 0.0) + seconds
    return result


async def run_load(users: list[LoadUser], *, base: str, seconds: float, think: float) -> Results:
    import httpx

    results = Results()
    limits = httpx.Limits(max_connections=len(users) + 10, max_keepalive_connections=len(users))
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        sessions = [Session(client, base) for _ in users]

        async def signed_in(session: Session, user: LoadUser, delay: float) -> None:
            await asyncio.sleep(delay)
            began = time.perf_counter()
            for attempt in range(6):
                try:
                    await sign_in(session, user)
                    break
                except RateLimited:
                    # allauth's per-address limiter waits at most 1 s for its cache lock and
                    # answers 429 after; every user here shares 127.0.0.1 (docs/benchmarks.md)
                    results.sign_in_429 += 1
                    session.cookies.clear()
                    await asyncio.sleep(1 + attempt)
            else:
                raise RuntimeError(f"{user.email}: sign-in refused with 429 six times")
            results.sign_in_seconds.append(time.perf_counter() - began)
            # warm-up, not measured: each page once (a thread's first request opens its
            # database connection; a process's first render compiles the templates)
            for path in user.pages.values():
                response = await session.request("GET", path)
                if response.status_code != 200:
                    raise RuntimeError(f"{user.email}: {path} answered {response.status_code}")

        # sign-ins spread over 20 s (each hashes a password: ~0.3 CPU-seconds) and a warm-up
        # request of each page, not measured
        await asyncio.gather(
            *(
                signed_in(s, u, i * 20 / len(users))
                for i, (s, u) in enumerate(zip(sessions, users, strict=True))
            )
        )
        start = time.monotonic() + 1
        end = start + seconds
        before = cpu_snapshot()
        await asyncio.gather(
            *(
                run_user(
                    s,
                    u,
                    start=start + random.uniform(0, think),
                    end=end,
                    think=think,
                    results=results,
                )
                for s, u in zip(sessions, users, strict=True)
            )
        )
        after = cpu_snapshot()
        results.cpu_seconds = {
            name: after[name] - before.get(name, 0.0) for name in after if name in before
        }
    return results


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def report(results: Results, *, seconds: float, users: int, workers: int, think: float) -> str:
    every = [v for values in results.latencies.values() for v in values]
    rows = [
        "| page | requests | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, values in [*sorted(results.latencies.items()), ("all", every)]:
        rows.append(
            f"| {name} | {len(values)} | {len(values) / seconds:.1f} | "
            f"{percentile(values, 50) * 1000:.0f} | {percentile(values, 95) * 1000:.0f} | "
            f"{percentile(values, 99) * 1000:.0f} | {max(values) * 1000:.0f} |"
        )
    errors = sorted(set(results.errors))
    sign_ins = results.sign_in_seconds
    lines = [
        f"{users} users, {seconds:.0f} s, think time {think} s (0.5-1.5x), gunicorn "
        f"{workers} workers x {os.environ.get('WEB_THREADS', '8')} threads",
        *rows,
        f"errors: {len(results.errors)}" + (f" ({', '.join(errors[:10])})" if errors else ""),
        f"sign-ins (not in the figures): {len(sign_ins)}, median "
        f"{statistics.median(sign_ins):.2f} s, max {max(sign_ins):.2f} s, "
        f"429 answers retried: {results.sign_in_429}",
    ]
    if results.cpu_seconds and every:
        cpu = results.cpu_seconds
        server = cpu["machine"] - cpu["client"]
        lines.append(
            f"CPU in the measured phase: machine {cpu['machine']:.1f} s "
            f"({cpu['machine'] / seconds / (os.cpu_count() or 1) * 100:.0f}% of "
            f"{os.cpu_count()} cores), this client {cpu['client']:.1f} s, the rest (web, "
            f"PostgreSQL, Redis, worker) {server / len(every) * 1000:.1f} ms a request"
        )
        groups = sorted((k.removeprefix("group:"), v) for k, v in cpu.items() if ":" in k)
        lines.append(
            "of which: "
            + ", ".join(
                f"{name} {seconds_:.1f} s ({seconds_ / len(every) * 1000:.1f} ms a request)"
                for name, seconds_ in groups
            )
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.load")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between pages")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn processes")
    args = parser.parse_args(argv)

    os.environ["DATABASE_URL"] = load_database_url()
    os.environ.setdefault("WQIP_VAR_DIR", str(ROOT / "var" / "load"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if not os.environ.get("CELERY_BROKER_URL") or not os.environ.get("REDIS_URL"):
        raise SystemExit("make load needs CELERY_BROKER_URL and REDIS_URL (the machine's Redis)")
    users = prepare(args.users)
    port = free_port()
    base = f"http://{HOST}:{port}"
    processes = start_processes(
        port=port, workers=args.workers, log_dir=Path(os.environ["WQIP_VAR_DIR"]) / "logs"
    )
    try:
        import httpx

        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(base + "/readyz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not become ready (var/load/logs/web.log)")
            time.sleep(0.5)
        from portal.celery import app

        while not app.control.ping(timeout=2):
            if time.monotonic() > deadline:
                raise SystemExit("the Celery worker did not answer (var/load/logs/worker.log)")
        sys.stdout.write(f"web ready at {base} (/readyz 200), worker answered ping, beat started\n")
        results = asyncio.run(run_load(users, base=base, seconds=args.seconds, think=args.think))
    finally:
        stop_processes(processes)
    summary = report(
        results, seconds=args.seconds, users=args.users, workers=args.workers, think=args.think
    )
    sys.stdout.write(summary + "\n")
    return 1 if results.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
