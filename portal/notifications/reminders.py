"""Daily reminder producers (domain guide §11), run by Celery beat. Each producer only calls
``schedule_notice`` for reminders whose day has come; the unique constraint on
ScheduledNotice makes a second run the same day (or a redelivered task) a no-op, so each
facility gets each reminder at most once per window. Other apps add producers with
``register_daily_producer`` from their ``AppConfig.ready``."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils import timezone

SEND_HOUR = 8  # reminders go out at 08:00 America/Los_Angeles

Producer = Callable[[datetime.date], int]
DAILY_PRODUCERS: dict[str, Producer] = {}


def register_daily_producer(name: str, producer: Producer) -> None:
    DAILY_PRODUCERS[name] = producer


def produce_daily_reminders(*, today: datetime.date | None = None) -> dict[str, int]:
    """Run every registered producer; each is its own transaction."""
    today = today or timezone.localdate()
    return {name: producer(today) for name, producer in DAILY_PRODUCERS.items()}
