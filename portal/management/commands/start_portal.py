"""``make run``: migrate, collect static files, load demo data, then run the web server, a
Celery worker and Celery beat as child processes until Ctrl-C (SIGINT) or SIGTERM.

A child that dies is started again (the launcher says so on stderr); one that dies more than
WQIP_RESTART_LIMIT times within WQIP_RESTART_WINDOW seconds is left stopped (a worker or beat:
the web stays up; the web: the launcher stops)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.embedded import port_open


def static_files_stale() -> bool:
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for folder in settings.STATICFILES_DIRS:
        for path in Path(folder).rglob("*"):
            if path.is_file() and path.stat().st_mtime > built:
                return True
    return False


def forget_dead_embedded_postgres_users() -> None:
    """The embedded PostgreSQL (pgserver) stops when the last process using it exits; a
    process killed without running its exit hooks stays on pgserver's list and would keep
    the server alive forever. Drop such dead processes from the list."""
    try:
        import psutil
        from pgserver.postgres_server import PostgresServer
    except ImportError:  # pragma: no cover - no embedded PostgreSQL available
        return
    for server in list(PostgresServer._instances.values()):
        with server._lock:
            pids = server.global_process_id_list.get()
            alive = [pid for pid in pids if psutil.pid_exists(pid)]
            if alive != pids:
                server.global_process_id_list.put(alive)


def free_port(host: str, wanted: int) -> int:
    for port in range(wanted, wanted + 50):
        if not port_open(host, port):
            return port
    raise CommandError(f"no free port between {wanted} and {wanted + 49}")


@dataclass
class Child:
    name: str
    command: list[str]
    process: subprocess.Popen[bytes]
    deaths: list[float] = field(default_factory=list)
    given_up: bool = False


class Command(BaseCommand):
    help = "Start the WQIP Portal: migrate, demo data, web server, Celery worker and beat."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("WQIP_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("WQIP_PORT", "8000")))
        parser.add_argument("--no-demo", action="store_true", help="skip the demo data")

    def handle(self, *args: object, host: str, port: int, no_demo: bool, **options: object) -> None:
        self.children: list[Child] = []
        self.stopping = False
        self.restart_limit = int(os.environ.get("WQIP_RESTART_LIMIT", "5"))
        self.restart_window = float(os.environ.get("WQIP_RESTART_WINDOW", "60"))
        forget_dead_embedded_postgres_users()
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("database migrated")
        if static_files_stale():
            call_command("collectstatic", interactive=False, verbosity=0)
            self.stdout.write("static files collected")
        if not no_demo:
            for config in apps.get_app_configs():
                loader = getattr(config, "load_demo_data", None)
                if callable(loader):
                    loader(stdout=self.stdout)
        port = free_port(host, port)
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGTERM, self._stop)
        python = sys.executable
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        celery = [python, "-m", "celery", "-A", "portal"]
        try:
            self._spawn("web", [python, manage, "runserver", f"{host}:{port}", "--noreload"])
            self._spawn("worker", [*celery, "worker", "--pool=solo", "--loglevel=INFO"])
            self._spawn(
                "beat",
                [
                    *celery,
                    "beat",
                    "--loglevel=INFO",
                    "-S",
                    "django_celery_beat.schedulers:DatabaseScheduler",
                ],
            )
            self._wait_for_web(host, port)
            self._banner(f"http://{host}:{port}/")
            self._supervise()
        finally:
            self._terminate_children()

    # --- children ---------------------------------------------------------------------------
    def _spawn(self, name: str, command: list[str]) -> None:
        self.children.append(Child(name, command, self._start(command)))

    def _start(self, command: list[str]) -> subprocess.Popen[bytes]:
        # own session: the terminal's Ctrl-C reaches only us, and we stop each child's whole
        # process group, so no grandchild is left behind
        # the children use this process's settings (portal.wsgi and portal.celery default to
        # the production settings)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        return subprocess.Popen(  # noqa: S603
            command, cwd=settings.BASE_DIR, start_new_session=True, env=env
        )

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def _wait_for_web(self, host: str, port: int) -> None:
        deadline = time.monotonic() + 60
        while not port_open(host, port):
            if self.stopping:
                return
            self._check_children()
            if time.monotonic() > deadline:
                raise CommandError(f"the web server did not answer on {host}:{port} in 60 s")
            time.sleep(0.2)

    def _check_children(self) -> None:
        for child in self.children:
            if child.given_up or self.stopping or child.process.poll() is None:
                continue
            code = child.process.returncode
            # the rest of its process group (a worker's pool processes) goes with it
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.process.pid, signal.SIGKILL)
            now = time.monotonic()
            child.deaths = [t for t in child.deaths if now - t < self.restart_window] + [now]
            if len(child.deaths) > self.restart_limit:
                child.given_up = True
                message = (
                    f"{child.name} stopped unexpectedly (exit code {code}) "
                    f"{len(child.deaths)} times in {self.restart_window:.0f} s: "
                    "giving up, not restarting it"
                )
                self.stderr.write(message)
                if child.name == "web":
                    raise CommandError(message)
                self.stderr.write(f"the web server stays up without the {child.name}")
                continue
            self.stderr.write(
                f"{child.name} stopped unexpectedly (exit code {code}); restarting it "
                f"(restart {len(child.deaths)} of at most {self.restart_limit} "
                f"in {self.restart_window:.0f} s)"
            )
            child.process = self._start(child.command)

    def _supervise(self) -> None:
        while not self.stopping:
            self._check_children()
            time.sleep(0.5)
        self.stdout.write("\nstopping web server, Celery worker and beat...")

    def _terminate_children(self) -> None:
        # SIGINT first: runserver and Celery then exit normally, running their atexit hooks
        # (the embedded PostgreSQL stops when its last user has exited); SIGTERM, then
        # SIGKILL for anything that does not stop in time
        for stop_signal, grace in ((signal.SIGINT, 15), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            running = [c.process for c in self.children if c.process.poll() is None]
            if not running:
                break
            for process in running:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, stop_signal)
            deadline = time.monotonic() + grace
            for process in running:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
        forget_dead_embedded_postgres_users()
        if self.children:
            self.stdout.write("all stopped")

    # --- banner ------------------------------------------------------------------------------
    def _banner(self, url: str) -> None:
        from portal.demo import DEMO_USERS

        lines = [
            "",
            "=" * 78,
            f"WQIP Portal is running at {url}",
            "",
            "Demo logins (password for all: " + DEMO_USERS[0].password + "):",
        ]
        for demo in DEMO_USERS:
            role = demo.role.label if hasattr(demo.role, "label") else demo.role
            extra = f"  TOTP secret {demo.totp_secret}" if demo.totp_secret else ""
            lines.append(f"  {role:<24} {demo.email:<26}{extra}")
        lines += [
            "",
            "Plan staff sign in with a TOTP code: add the secret to an authenticator app, or",
            "print the current codes with 'make totp' (manage.py demo_totp).",
            "Press Ctrl-C to stop the web server, the Celery worker and beat.",
            "=" * 78,
            "",
        ]
        self.stdout.write("\n".join(lines))
