"""Writes for jobs: queue one, run one (the worker), recover the ones whose worker died, fail
one for good, retry a failed one. Keyword-only; audit rows where a person acts.

How a job stays single and alive (docs/operations.md, "Jobs"):

- the worker that runs a job holds a PostgreSQL advisory lock on the job's id, on a session
  of its own, for the whole run: a second delivery of the same job finds the lock taken and
  leaves; when the worker dies, PostgreSQL ends its session and the lock goes with it;
- the job's work reports progress; each report refreshes ``heartbeat_at`` on that session
  (autocommit: it is seen at once, even while the work's own transaction is open);
- ``recover_stale_jobs`` (beat, every minute) takes every queued or running job that has
  shown no sign of life for ``JOBS_STALE_AFTER_SECONDS`` and whose lock nobody holds: it
  queues it again, or fails it with a notice once it was started ``JOBS_MAX_ATTEMPTS`` times.
  It works from the rows, never from what the broker still holds.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import time
from functools import partial
from typing import Any

from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    models,
    transaction,
)
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from portal.audit.services import record_event
from portal.jobs.kinds import JobKind, JobRefused, get_job_kind
from portal.jobs.models import Job
from portal.models import User

logger = logging.getLogger(__name__)

JOB_LOCK_KEY = 7_340_100  # pg advisory lock (JOB_LOCK_KEY, job id): one runner per job
RUN_JOB_TASK = "portal.run_job"
RUN_JOB_MODULE = "portal.tasks"
TRANSIENT_ERRORS = (OperationalError, InterfaceError)

# outcomes of run_job
SUCCEEDED = "succeeded"
FAILED = "failed"
BUSY = "busy"  # another worker holds the job
DONE_BEFORE = "done before"
MISSING = "missing"
_RETRY = "retry"


class JobNotRetryable(Exception):
    pass


def _max_attempts() -> int:
    return int(settings.JOBS_MAX_ATTEMPTS)


def _send(job_id: int) -> None:
    """Hand the job to the broker. The task is found by name (the tasks module imports the
    services, never the reverse)."""
    from importlib import import_module

    from portal.celery import app

    import_module(RUN_JOB_MODULE)  # registers the task in this process (web, shell)
    app.tasks[RUN_JOB_TASK].delay(job_id=job_id)


def _target_fields(target: models.Model | None) -> dict[str, str]:
    if target is None:
        return {"target_type": "", "target_id": ""}
    return {"target_type": target._meta.label_lower, "target_id": str(target.pk)}


@transaction.atomic
def enqueue_job(
    *,
    kind: str,
    started_by: User | None,
    target: models.Model | None = None,
    label: str = "",
    params: dict[str, Any] | None = None,
    send: bool = True,
) -> Job:
    """A queued job row now, the work in the worker once the caller's transaction commits.
    ``send=False``: the caller runs it now (``run_job``, e.g. a short import in the web
    request); if that process dies, recovery hands it to a worker like any other."""
    job_kind = get_job_kind(kind)
    job = Job.objects.create(
        kind=kind,
        label=(label or job_kind.label)[:250],
        started_by=started_by if started_by is not None and started_by.pk else None,
        enqueued_at=timezone.now(),
        params=params or {},
        **_target_fields(target),
    )
    if send:
        transaction.on_commit(partial(_send, job.pk))
    return job


def target_of(job: Job, model: type[models.Model]) -> Any:
    """The app's row the job works on (``model`` must be its model)."""
    if job.target_type != model._meta.label_lower:
        raise LookupError(f"job {job.pk} works on a {job.target_type}, not a {model.__name__}")
    return model._default_manager.get(pk=job.target_id)


# --- the worker ---------------------------------------------------------------------------


class _Runner:
    """One attempt's session of its own: holds the job's lock, writes heartbeats."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.side = connections.create_connection("default")
        self.last_write = 0.0
        self.last_stage = ""
        self.kind = ""

    def lock(self) -> bool:
        with self.side.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [JOB_LOCK_KEY, self.job_id])
            return bool(cursor.fetchone()[0])

    def close(self) -> None:
        with contextlib.suppress(DatabaseError):  # the session may be gone already
            self.side.close()  # ends the session: the lock goes with it

    def beat(self, stage: str, fraction: float) -> None:
        """The job's progress callback: at most a write every half second unless the stage
        changes. SKIP LOCKED: never waits for a transaction that holds the job's row."""
        now = time.monotonic()
        new_stage = stage != self.last_stage
        if not new_stage and now - self.last_write < 0.5 and fraction < 1.0:
            return
        self.last_write, self.last_stage = now, stage
        with self.side.cursor() as cursor:
            cursor.execute(
                "UPDATE portal_job SET heartbeat_at = now(), stage = %s, fraction = %s "
                "WHERE id IN (SELECT id FROM portal_job WHERE id = %s FOR UPDATE SKIP LOCKED)",
                [stage[:40], max(0.0, min(1.0, float(fraction))), self.job_id],
            )
        if new_stage:
            _pause_here(self.job_id, self.kind, stage)


def _pause_here(job_id: int, kind: str, stage: str) -> None:
    """Test hook (``JOBS_PAUSE_AT`` = "kind:stage", set in a worker's environment): the worker
    stops when the job enters that stage, for ``JOBS_PAUSE_SECONDS``, its transactions open,
    so a test can kill it (or its database session) there."""
    if settings.JOBS_PAUSE_AT and f"{kind}:{stage}" == settings.JOBS_PAUSE_AT:
        logger.warning("job %s paused at %s (JOBS_PAUSE_AT)", job_id, settings.JOBS_PAUSE_AT)
        time.sleep(float(settings.JOBS_PAUSE_SECONDS))


def run_job(*, job_id: int) -> str:
    """The worker's entry point (``portal.run_job``). Runs the job unless another worker holds
    it or it is finished; a lost database connection is retried at once, up to
    ``JOBS_MAX_ATTEMPTS`` starts; any other error fails the job with its reason."""
    while True:
        outcome = _attempt(job_id)
        if outcome != _RETRY:
            return outcome
        job = Job.objects.get(pk=job_id)
        time.sleep(float(settings.JOBS_RETRY_DELAY_SECONDS) * job.attempts)


def _start(job_id: int) -> Job | str:
    """Count the start (or fail the job: started too often). Outside the work's transaction."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None:  # a message about a job this database does not have
            logger.warning("job %s: no such job", job_id)
            return MISSING
        if job.is_done:
            return DONE_BEFORE
        if job.attempts >= _max_attempts():
            _fail(job, reason=_gave_up(job, job.error or "the worker stopped without finishing"))
            return FAILED
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.started_at = job.started_at or timezone.now()
        job.heartbeat_at = timezone.now()
        job.stage, job.fraction = "starting", 0.0
        job.save(
            update_fields=["status", "attempts", "started_at", "heartbeat_at", "stage", "fraction"]
        )
    return job


def _gave_up(job: Job, cause: str) -> str:
    return f"gave up after {job.attempts} attempts: {cause}"


def _attempt(job_id: int) -> str:
    runner = _Runner(job_id)
    try:
        if not runner.lock():
            logger.info("job %s: another worker runs it", job_id)
            return BUSY
        started = _start(job_id)
        if isinstance(started, str):
            return started
        job = started
        kind = get_job_kind(job.kind)
        runner.kind = job.kind
        try:
            summary = kind.run(job, runner.beat)
        except JobRefused as exc:
            return _finish_failed(job_id, reason=str(exc), notify=kind.notify_refusal)
        except TRANSIENT_ERRORS as exc:
            return _after_transient(job_id, exc)
        except Exception as exc:
            logger.exception("job %s (%s) failed", job_id, job.kind)
            return _finish_failed(job_id, reason=f"{type(exc).__name__}: {exc}")
        with transaction.atomic():
            Job.objects.filter(pk=job_id).update(
                status=Job.Status.SUCCEEDED,
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
                stage="done",
                fraction=1.0,
                summary=(summary or "")[:250],
                error="",
            )
        return SUCCEEDED
    finally:
        runner.close()


def _after_transient(job_id: int, exc: Exception) -> str:
    """The database went away under the job: its transaction is gone, nothing was written.
    Reconnect and start again (same worker, lock taken again), or fail after N starts."""
    logger.warning("job %s: database error, retrying: %s", job_id, exc)
    if connection.in_atomic_block:  # inside a caller's transaction (tests): cannot reconnect
        raise exc
    connection.close()
    job = Job.objects.get(pk=job_id)
    if job.attempts >= _max_attempts():
        return _finish_failed(job_id, reason=_gave_up(job, f"{type(exc).__name__}: {exc}"))
    Job.objects.filter(pk=job_id).update(error=f"{type(exc).__name__}: {exc}"[:2000])
    return _RETRY


def _finish_failed(job_id: int, *, reason: str, notify: bool = True) -> str:
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        _fail(job, reason=reason, notify=notify)
    return FAILED


def _fail(job: Job, *, reason: str, notify: bool = True) -> None:
    """Fail the job for good (the caller holds its row): the app's row too, and the person
    who started it gets an inbox notice."""
    from portal.jobs.notices import job_failed

    job.status = Job.Status.FAILED
    job.error = reason
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    kind = get_job_kind(job.kind)
    if kind.on_failed is not None:
        kind.on_failed(job)
    record_event(actor=None, action="job.failed", target=job, reason=reason[:2000])
    if notify:
        job_failed(job)


# --- recovery (beat) ----------------------------------------------------------------------


def held_job_ids(job_ids: list[int]) -> set[int]:
    """The jobs among ``job_ids`` whose lock a session holds (a worker runs them), read from
    pg_locks: nothing is taken, so no worker is ever turned away by the look."""
    if not job_ids:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid::bigint = %s AND objsubid = 2 AND objid::bigint = ANY(%s) "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [JOB_LOCK_KEY, list(job_ids)],
        )
        return {int(row[0]) for row in cursor.fetchall()}


def stale_jobs(*, stale_after: datetime.timedelta | None = None) -> models.QuerySet[Job]:
    if stale_after is None:
        stale_after = datetime.timedelta(seconds=settings.JOBS_STALE_AFTER_SECONDS)
    last_sign = Greatest(
        Coalesce("heartbeat_at", "created_at"), Coalesce("enqueued_at", "created_at")
    )
    return (
        Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
        .annotate(last_sign=last_sign)
        .filter(last_sign__lte=timezone.now() - stale_after)
        .order_by("pk")
    )


def recover_stale_jobs(*, stale_after: datetime.timedelta | None = None) -> dict[str, int]:
    """Queue again every job that stopped moving and that no worker holds; fail the ones
    started ``JOBS_MAX_ATTEMPTS`` times. Safe to run at any time, on several machines."""
    requeued = failed = alive = 0
    for job_id in list(stale_jobs(stale_after=stale_after).values_list("pk", flat=True)):
        with transaction.atomic():
            job = Job.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
            if job is None or job.is_done:
                continue
            if held_job_ids([job.pk]):
                alive += 1  # a worker runs it (a long statement between two heartbeats)
                continue
            if job.attempts >= _max_attempts():
                cause = "the worker stopped without finishing each time"
                _fail(job, reason=_gave_up(job, cause))
                failed += 1
                continue
            job.enqueued_at = timezone.now()
            job.save(update_fields=["enqueued_at"])
            record_event(
                actor=None,
                action="job.requeued",
                target=job,
                reason="no sign of life from its worker",
                data={"attempts": job.attempts, "status": job.status},
            )
            transaction.on_commit(partial(_send, job.pk))
            requeued += 1
    if requeued or failed:
        logger.warning("jobs: %s queued again, %s failed for good", requeued, failed)
    return {"requeued": requeued, "failed": failed, "alive": alive}


# --- people -------------------------------------------------------------------------------


@transaction.atomic
def retry_job(*, job: Job, actor: User, reason: str = "") -> Job:
    """Run a failed job again from the start (its attempts count from zero)."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.status != Job.Status.FAILED:
        raise JobNotRetryable(f"job {job.pk} is {job.get_status_display().lower()}, not failed")
    kind: JobKind = get_job_kind(job.kind)
    previous_error = job.error
    job.status = Job.Status.QUEUED
    job.attempts = 0
    job.error = job.summary = job.stage = ""
    job.fraction = 0.0
    job.started_at = job.finished_at = job.heartbeat_at = None
    job.enqueued_at = timezone.now()
    job.save()
    if kind.on_retry is not None:
        kind.on_retry(job)
    record_event(
        actor=actor,
        action="job.retried",
        target=job,
        reason=reason or "retried from the Jobs page",
        data={"previous_error": previous_error[:1000]},
    )
    transaction.on_commit(partial(_send, job.pk))
    return job


def job_url(job: Job) -> str:
    return reverse("portal:job_detail", args=[job.pk])
