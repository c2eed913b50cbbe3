"""Exactly one Celery beat: a beat holds a PostgreSQL advisory lock for as long as it runs.

A second beat started by mistake (or as a standby) waits at start until the lock is free, so
scheduled tasks are never queued twice; if the running beat dies, its database session ends,
the lock is released and the waiting beat takes over. Connected to ``beat_init`` in
``PortalConfig.ready``.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from django.db import connections

logger = logging.getLogger(__name__)

# pg_advisory_lock key: "WQIPBEAT" read as a number (any constant the portal uses nowhere else)
BEAT_LOCK_KEY = int.from_bytes(b"WQIPBEAT", "big") & 0x7FFFFFFFFFFFFFFF
RETRY_SECONDS = float(os.environ.get("WQIP_BEAT_LOCK_RETRY_SECONDS", "5"))

_holder: Any = None  # the database connection that holds the lock while beat runs


def acquire_beat_lock(*, retry_seconds: float = RETRY_SECONDS) -> None:
    """Block until this process holds the beat lock (on a connection of its own)."""
    global _holder
    if _holder is not None:
        return
    holder = connections.create_connection("default")
    waited = False
    while True:
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [BEAT_LOCK_KEY])
            row = cursor.fetchone()
        if row and row[0]:
            break
        if not waited:
            logger.warning("another beat is running: waiting to take over when it stops")
            waited = True
        time.sleep(retry_seconds)
    _holder = holder
    logger.info("beat lock held: this is the one beat")


def _beat_init(**kwargs: object) -> None:
    acquire_beat_lock()


def connect_beat_lock() -> None:
    from celery.signals import beat_init

    beat_init.connect(_beat_init, weak=False, dispatch_uid="portal.ops.beat.lock")
