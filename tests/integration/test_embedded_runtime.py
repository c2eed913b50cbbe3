"""``make run`` behaves like production (issue 22 item 4, issue 13 fix 3): the launcher
restarts a worker that dies and gives up after a few quick deaths without stopping the web;
with no server configured, an embedded Redis server is broker and shared cache, so the web
process reads the claims import's progress while a real worker runs it."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from allauth.mfa.models import Authenticator
from celery import Celery
from django.core.cache import caches
from django.db import connection
from django.urls import reverse

from portal.embedded import embedded_redis, redis_answers, release_embedded_redis
from portal.jobs.services import enqueue_job
from portal.models import Facility, Role
from portal.registry.services import bulk_create_facilities
from programs.wqip.models.claims import ClaimImport
from programs.wqip.services.claims_import import CLAIMS_IMPORT_JOB
from tests.bench.generator import facilities, write_claims_file
from tests.factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db["HOST"] or "127.0.0.1"
    if host.startswith("/"):  # the embedded PostgreSQL: a socket folder
        return f"postgres://{db['USER']}{password}@/{db['NAME']}?host={host}"
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(predicate: Callable[[], Any], timeout: float = 120.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or predicate}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def var_dir(monkeypatch) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    """A short folder (Unix socket paths are limited to 107 bytes). Celery reads
    CELERY_BROKER_URL before any configuration: this process's apps use the embedded broker."""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    folder = Path(tempfile.mkdtemp(prefix="wqip-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def dev_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": database_url(),
        "WQIP_VAR_DIR": str(var_dir),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    for name in ("CELERY_BROKER_URL", "REDIS_URL", "CELERY_RESULT_BACKEND"):
        env.pop(name, None)  # the embedded default
    return env


def worker_of(launcher: subprocess.Popen) -> psutil.Process | None:  # type: ignore[type-arg]
    for child in psutil.Process(launcher.pid).children():
        try:
            if "worker" in child.cmdline():
                return child
        except psutil.NoSuchProcess:
            continue
    return None


def page_status(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status


def test_given_make_run_when_worker_killed_then_restarted_until_limit_and_web_stays_up(var_dir):
    # given: the launcher on the embedded defaults (Redis started by it), two restarts allowed
    port = free_port()
    log_path = var_dir / "launcher.log"
    env = dev_env(var_dir, WQIP_PORT=str(port), WQIP_RESTART_LIMIT="2", WQIP_RESTART_WINDOW="600")
    with log_path.open("w") as log:
        launcher = subprocess.Popen(
            [sys.executable, "manage.py", "start_portal", "--no-demo"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    login = f"http://127.0.0.1:{port}/accounts/login/"
    redis_socket = var_dir / "redis" / "redis.sock"
    broker = Celery(broker=f"redis+socket://{redis_socket}")

    def log_text() -> str:
        return log_path.read_text()

    def replies() -> Any:
        return broker.control.ping(timeout=1)

    try:
        wait_for(lambda: "WQIP Portal is running" in log_text(), timeout=240, what="start")
        assert redis_answers(redis_socket)
        first = wait_for(lambda: worker_of(launcher), what="worker")
        wait_for(replies, timeout=120, what="worker answering on the embedded broker")
        # when: the worker is killed
        first.send_signal(signal.SIGKILL)
        # then: the launcher says so and starts another, which consumes from the same broker
        wait_for(
            lambda: "worker stopped unexpectedly (exit code -9); restarting it" in log_text(),
            what="restart message",
        )
        second = wait_for(
            lambda: (w := worker_of(launcher)) and w.pid != first.pid and w, what="new worker"
        )
        wait_for(replies, timeout=120, what="restarted worker answering")
        assert page_status(login) == 200
        # when: it keeps dying (the third death within the window)
        second.send_signal(signal.SIGKILL)
        third = wait_for(
            lambda: (w := worker_of(launcher)) and w.pid not in {first.pid, second.pid} and w,
            what="third worker",
        )
        third.send_signal(signal.SIGKILL)
        # then: the launcher gives up on the worker, and the web keeps serving
        wait_for(lambda: "giving up" in log_text(), what="giving up")
        time.sleep(1)
        assert worker_of(launcher) is None
        assert launcher.poll() is None
        assert page_status(login) == 200
    finally:
        if launcher.poll() is None:
            launcher.send_signal(signal.SIGINT)
        try:
            launcher.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(launcher.pid, signal.SIGKILL)
            raise
    # the last user of the embedded Redis stopped it
    assert "all stopped" in log_text()
    wait_for(lambda: not redis_answers(redis_socket), timeout=20, what="Redis stopped")


def test_given_embedded_redis_when_worker_imports_claims_then_web_reads_intermediate_progress(
    var_dir, client, settings
):
    # given: the embedded Redis as the worker's broker and cache, and as this (web) process's
    redis_folder = var_dir / "redis"
    redis_socket = embedded_redis(folder=redis_folder)
    assert redis_socket is not None
    cache_url = f"unix://{redis_socket}?db=1"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}
    }
    caches.close_all()
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT = var_dir / "private"
    bulk_create_facilities(Facility(**row) for row in facilities())
    analyst = UserFactory.create(role=Role.FINANCE_ANALYST)
    Authenticator.objects.create(user=analyst, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(analyst)
    source = var_dir / "claims.csv"
    write_claims_file(source, 150_000)
    claim_import = ClaimImport(original_name="claims.csv", uploaded_by=analyst)
    with source.open("rb") as handle:
        from django.core.files import File

        claim_import.file.save("claims.csv", File(handle), save=False)
    claim_import.save()
    claim_import.job = enqueue_job(
        kind=CLAIMS_IMPORT_JOB, target=claim_import, started_by=analyst, send=False
    )
    claim_import.save(update_fields=["job"])
    broker_url = f"redis+socket://{redis_socket}?virtual_host=0"
    # the worker is configured with nothing but the var/ folder: the development defaults
    # find the embedded Redis server there
    env = dev_env(
        var_dir,
        PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT),
        WQIP_CLAIMS_PARALLEL_MIN_BYTES=str(10**12),
        LOG_LEVEL="WARNING",
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "solo", "-l", "warning",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    sender = Celery(broker=broker_url)
    status_url = reverse("wqip:claim_import_status", kwargs={"pk": claim_import.pk})
    seen: list[int] = []
    try:
        # when: the worker runs the import and the web process asks for the progress
        sender.send_task("portal.run_job", kwargs={"job_id": claim_import.job.pk})

        def done() -> bool:
            payload = client.get(status_url).json()
            seen.append(payload["percent"])
            return bool(payload["done"])

        wait_for(done, timeout=300, what="import done")
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        caches.close_all()
        release_embedded_redis(redis_folder)
    # then
    claim_import.refresh_from_db()
    assert claim_import.status == ClaimImport.Status.SUCCEEDED, claim_import.error_report
    assert any(0 < percent < 100 for percent in seen), seen
    assert seen[-1] == 100
