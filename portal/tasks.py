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
    """Queue the day's reminder sweep (a job: portal.notifications.jobs)."""
    from portal.notifications.jobs import start_reminder_sweep

    return {"job": start_reminder_sweep().pk}


@shared_task(name="portal.run_job", acks_late=True)
def run_job_task(*, job_id: int) -> str:
    """Every long job of every app (portal.jobs): the job row says what to run."""
    from portal.jobs.services import run_job

    return run_job(job_id=job_id)


@shared_task(name="portal.recover_jobs", acks_late=True)
def recover_jobs_task() -> dict[str, int]:
    """Beat, every minute: queue again (or fail) the jobs whose worker died."""
    from portal.jobs.services import recover_stale_jobs

    return recover_stale_jobs()


@shared_task(name="portal.refresh_registry_from_state", acks_late=True)
def refresh_registry_from_state_task() -> str:
    """Monthly: fetch the state's files from their addresses; the registry files become a
    staged import, the others (enforcement actions) a fetched file; all wait for review."""
    from portal.registry.state_sources import refresh_fetched_files, refresh_registry_from_state

    outcomes = [refresh_registry_from_state(), *refresh_fetched_files()]
    return " ".join(outcome.message for outcome in outcomes)
