"""The daily reminder sweep as a job (portal.jobs): beat queues it once a day; it runs every
registered daily producer, then sends the due notices. A worker that dies in the middle
leaves the sweep's open batch unsent; recovery starts the job again and each reminder is
still sent exactly once (the producers' unique rows, the sweeper's SKIP LOCKED batches)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from portal.jobs.kinds import JobKind, Progress
from portal.jobs.models import Job
from portal.jobs.services import enqueue_job
from portal.notifications.reminders import produce_daily_reminders
from portal.notifications.services import sweep_due_notices

REMINDER_SWEEP_JOB = "portal.reminder_sweep"


def start_reminder_sweep(*, today: datetime.date | None = None) -> Job:
    """Queue the day's sweep (a day's sweep that did not fail is not queued twice)."""
    today = today or timezone.localdate()
    existing = (
        Job.objects.filter(kind=REMINDER_SWEEP_JOB, params__today=today.isoformat())
        .exclude(status=Job.Status.FAILED)
        .first()
    )
    if existing is not None:
        return existing
    return enqueue_job(
        kind=REMINDER_SWEEP_JOB,
        started_by=None,
        label=f"Daily reminders {today:%Y-%m-%d}",
        params={"today": today.isoformat()},
    )


def _run_reminder_sweep(job: Job, progress: Progress) -> str:
    progress("producing", 0.0)
    counts = produce_daily_reminders(today=datetime.date.fromisoformat(job.params["today"]))
    result = sweep_due_notices(progress=progress)
    scheduled = ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
    return f"{result}; scheduled: {scheduled}"


REMINDER_SWEEP_JOB_KIND = JobKind(
    key=REMINDER_SWEEP_JOB, label="Daily reminders", run=_run_reminder_sweep
)
