"""Issue 13: exactly one Celery beat. A second beat waits for the first one's PostgreSQL
advisory lock and takes over when the first one stops (real beat processes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def start_beat(log: Path) -> subprocess.Popen:  # type: ignore[type-arg]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DEBUG": "false",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "WQIP_BEAT_LOCK_RETRY_SECONDS": "0.3",
        "LOG_LEVEL": "INFO",
    }
    with open(log, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "beat", "--loglevel", "INFO"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_for_text(path: Path, text: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in path.read_text():
            return
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not in {path.name}:\n{path.read_text()}")


def test_given_running_beat_when_second_starts_then_it_waits_and_takes_over_after(tmp_path):
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = start_beat(first_log)
    second = None
    try:
        # given: one beat running
        wait_for_text(first_log, "beat lock held")
        # when: a second one starts
        second = start_beat(second_log)
        wait_for_text(second_log, "another beat is running")
        time.sleep(2)
        # then: it waits (celery ticks only after beat_init, where the lock is taken)...
        assert "beat lock held" not in second_log.read_text()
        assert second.poll() is None
        # ...until the first one stops
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=30)
        wait_for_text(second_log, "beat lock held")
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
