"""Thin Celery wrappers around the notification engine (beat schedule in settings)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError


@shared_task(
    name="portal.sweep_due_notices",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def sweep_due_notices_task(*, batch_size: int = 50, max_batches: int | None = None) -> str:
    from portal.notifications.services import sweep_due_notices

    return str(sweep_due_notices(batch_size=batch_size, max_batches=max_batches))


@shared_task(
    name="portal.produce_daily_reminders",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def produce_daily_reminders_task() -> dict[str, int]:
    from portal.notifications.reminders import produce_daily_reminders

    return produce_daily_reminders()


@shared_task(name="portal.refresh_registry_from_state", acks_late=True)
def refresh_registry_from_state_task() -> str:
    """Monthly: fetch the state's files from their addresses; the registry files become a
    staged import, the others (enforcement actions) a fetched file; all wait for review."""
    from portal.registry.state_sources import refresh_fetched_files, refresh_registry_from_state

    outcomes = [refresh_registry_from_state(), *refresh_fetched_files()]
    return " ".join(outcome.message for outcome in outcomes)
