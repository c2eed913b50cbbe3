"""Issue 22: a worker killed (SIGKILL) in the middle of a job, a new worker and the recovery
task: the job ends succeeded exactly once, nothing twice, nothing half-written. Real Celery
workers (subprocesses, solo pool) on the real broker; each worker stops at a chosen stage of
the job (``JOBS_PAUSE_AT``, its transaction open) so the kill lands there within seconds."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from payments.models import LedgerEntry, PaymentRun
from payments.services import request_payment_run
from portal.celery import app
from portal.jobs.models import Job
from portal.jobs.services import recover_stale_jobs, run_job
from portal.models import AuditEvent, Facility, Role, ScheduledNotice
from programs.wqip.models import BedDayComputation, BedDaySummary, ClaimImport, ClaimLine
from programs.wqip.services.bed_days import queue_bed_day_computation
from programs.wqip.services.claims_import import start_claim_import
from tests.factories import FacilityFactory, UserFactory
from tests.programs.wqip.claims_helpers import claims_csv

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime.timedelta(0)  # recovery's "stale after": at once (the worker is known dead)


def database_url() -> str:
    """The test database (test_<name>), so the worker processes see this test's rows."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}"
    )


class Workers:
    """Celery worker processes of one test; every one still alive is stopped at the end."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, *, pause_at: str = "", pause_seconds: float = 3600) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "REDIS_URL": settings.REDIS_URL,
            "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "JOBS_PAUSE_AT": pause_at,
            "JOBS_PAUSE_SECONDS": str(pause_seconds),
            "JOBS_RETRY_DELAY_SECONDS": "0.2",
            "WQIP_CLAIMS_LOAD_WORKERS": "1",
        }
        log = (self.log_dir / f"worker{len(self.processes)}.log").open("w")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
                "-n",
                f"jobs{len(self.processes)}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    def logs(self) -> str:
        return "\n".join(path.read_text() for path in sorted(self.log_dir.glob("*.log")))


def wait_for(predicate: Callable[[], Any], timeout: float = 45.0, step: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")


@pytest.fixture
def workers(tmp_path, monkeypatch) -> Iterator[Workers]:
    # this process talks to real workers: no eager execution, and an empty queue
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    with app.connection_for_write() as broker:
        broker.default_channel.queue_purge("celery")  # type: ignore[attr-defined]
    pool = Workers(tmp_path)
    try:
        yield pool
    finally:
        pool.stop_all()
        sys.stdout.write(pool.logs())  # shown when the test fails


def job_row(job_id: int) -> Job:
    return Job.objects.get(pk=job_id)


def paused_at(job_id: int, stage: str, attempts: int = 1) -> bool:
    job = job_row(job_id)
    assert not job.is_done, f"the job ended before it reached {stage}: {job.error}"
    return job.stage == stage and job.attempts == attempts


def recover_until_requeued() -> None:
    """The beat task, run here: the dead worker's session (and the job's lock) goes away a
    moment after the kill; until then the job counts as alive."""
    wait_for(lambda: recover_stale_jobs(stale_after=NOW)["requeued"] == 1, timeout=20, step=0.2)


def kill_and_recover(workers: Workers, doomed: subprocess.Popen[bytes], job_id: int) -> float:
    """SIGKILL the worker, start another, recover; returns the seconds to succeed."""
    started = time.monotonic()
    workers.kill(doomed)
    assert job_row(job_id).status == Job.Status.RUNNING  # what a dead worker leaves behind
    workers.start()
    recover_until_requeued()
    wait_for(lambda: job_row(job_id).is_done, timeout=60)
    return time.monotonic() - started


def assert_succeeded_once(job_id: int, workers: Workers) -> Job:
    job = job_row(job_id)
    assert job.status == Job.Status.SUCCEEDED, (job.error, workers.logs())
    assert job.attempts == 2  # the killed start and the recovered one
    # recovery again and a duplicate delivery change nothing
    assert recover_stale_jobs(stale_after=NOW) == {"requeued": 0, "failed": 0, "alive": 0}
    assert run_job(job_id=job_id) == "done before"
    assert job_row(job_id).attempts == 2
    return job


# --- (a) claims import, killed after COPY began ----------------------------------------------


@pytest.fixture
def facilities() -> list[Facility]:
    return FacilityFactory.create_batch(3)


def claim_rows(facilities: list[Facility], count: int) -> list[dict[str, str]]:
    return [
        {
            "claim_id": f"K{n:05d}",
            "member_id": f"M{n:07d}",
            "facility_npi": facilities[n % len(facilities)].npi,
        }
        for n in range(count)
    ]


def test_given_worker_killed_during_claims_copy_when_recovered_then_imported_exactly_once(
    workers, facilities
):
    # given: an upload whose import stops while COPY streams the file
    analyst = UserFactory.create(role=Role.FINANCE_ANALYST)
    body = claims_csv(claim_rows(facilities, 200)).encode()
    doomed = workers.start(pause_at="wqip.claims_import:loading")
    claim_import = start_claim_import(
        uploaded_file=SimpleUploadedFile("claims.csv", body, "text/csv"), actor=analyst
    )
    assert claim_import.job_id is not None
    job_id = claim_import.job_id
    wait_for(lambda: paused_at(job_id, "loading"))
    assert not ClaimLine.objects.exists()  # COPY began, nothing committed
    # when
    seconds = kill_and_recover(workers, doomed, job_id)
    # then
    assert_succeeded_once(job_id, workers)
    claim_import.refresh_from_db()
    assert claim_import.status == ClaimImport.Status.SUCCEEDED
    assert ClaimLine.objects.count() == 200
    assert AuditEvent.objects.filter(action="claims.imported").count() == 1
    assert seconds < 30


# --- (b) bed-day computation -------------------------------------------------------------------


def import_claims_now(facilities: list[Facility], tmp_path: Path) -> None:
    from programs.wqip.services.claims_import import import_claims

    path = tmp_path / "claims.csv"
    path.write_text(claims_csv(claim_rows(facilities, 30)), encoding="utf-8")
    import_claims(path=path)


def test_given_worker_killed_during_bed_day_computation_when_recovered_then_stored_once(
    workers, facilities, tmp_path
):
    # given: claims, and a computation that stops while it stores its result
    import_claims_now(facilities, tmp_path)
    analyst = UserFactory.create(role=Role.FINANCE_ANALYST)
    doomed = workers.start(pause_at="wqip.bed_days:storing")
    computation = queue_bed_day_computation(program_year=2024, actor=analyst)
    assert computation.job_id is not None
    job_id = computation.job_id
    wait_for(lambda: paused_at(job_id, "storing"))
    assert not BedDaySummary.objects.exists()
    # when
    seconds = kill_and_recover(workers, doomed, job_id)
    # then
    assert_succeeded_once(job_id, workers)
    computation.refresh_from_db()
    assert computation.status == BedDayComputation.Status.FINISHED
    summaries = BedDaySummary.objects.filter(program_year=2024)
    assert summaries.count() == Facility.objects.count()
    assert sum(s.qualifying_days for s in summaries) == 30 * 10  # 1 to 10 March, no discharge
    assert AuditEvent.objects.filter(action="bed_days.computed").count() == 1
    assert seconds < 30


# --- (c) payment run that posts when computed -------------------------------------------------


def test_given_worker_killed_while_posting_run_when_recovered_then_ledger_posted_once(
    workers, payable_facility
):
    # given: a run posted when computed, whose worker stops between its lines and its posting
    analyst = UserFactory.create(role=Role.FINANCE_ANALYST)
    doomed = workers.start(pause_at="payments.payment_run:posting")
    run = request_payment_run(
        program="wqip",
        program_year=2024,
        kind="interim",
        started_by=analyst,
        post_when_computed=True,
    )
    assert run.job_id is not None
    job_id = run.job_id
    wait_for(lambda: paused_at(job_id, "posting"))
    assert not LedgerEntry.objects.exists()
    # when
    seconds = kill_and_recover(workers, doomed, job_id)
    # then
    assert_succeeded_once(job_id, workers)
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.POSTED
    entries = LedgerEntry.objects.filter(run=run)
    assert entries.count() == 1
    assert entries.get().amount == 2000  # 100 days x 20.0000
    assert run.lines.count() == 1
    assert ScheduledNotice.objects.filter(kind="payment_issued").count() == 1
    assert ScheduledNotice.objects.filter(kind="report_published").count() == 1
    assert AuditEvent.objects.filter(action="payment_run.posted").count() == 1
    assert seconds < 30


# --- (d) the daily reminder sweep ------------------------------------------------------------


def test_given_worker_killed_during_reminder_sweep_when_recovered_then_each_notice_once(workers):
    # given: 30 due reminders to one facility's administrator; the sweep stops inside its
    # batch's transaction (notices written, not committed)
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from portal.models import Notice
    from portal.notifications.jobs import start_reminder_sweep

    facility = FacilityFactory.create()
    admin = UserFactory.create(role=Role.FACILITY_ADMIN, facilities=[facility])
    now = timezone.now()
    ScheduledNotice.objects.bulk_create(
        ScheduledNotice(
            kind="report_published",
            subject_type=ContentType.objects.get_for_model(facility),
            subject_id=facility.pk,
            facility=facility,
            due_at=now - datetime.timedelta(seconds=n + 1),
            link="/",
        )
        for n in range(30)
    )
    doomed = workers.start(pause_at="portal.reminder_sweep:sending")
    job_id = start_reminder_sweep().pk
    wait_for(lambda: paused_at(job_id, "sending"))
    assert not Notice.objects.exists()
    # when
    seconds = kill_and_recover(workers, doomed, job_id)
    # then
    assert_succeeded_once(job_id, workers)
    assert Notice.objects.filter(user=admin).count() == 30
    assert ScheduledNotice.objects.filter(state=ScheduledNotice.State.SENT).count() == 30
    assert start_reminder_sweep().pk == job_id  # the day's sweep is not queued twice
    assert seconds < 30


# --- two workers, one job -----------------------------------------------------------------------


def test_given_two_workers_given_same_recovered_job_then_one_runs_it(workers, facilities, tmp_path):
    # given: worker A holds a bed-day job (stopped while storing); the job is delivered again
    import_claims_now(facilities, tmp_path)
    analyst = UserFactory.create(role=Role.FINANCE_ANALYST)
    worker_a = workers.start(pause_at="wqip.bed_days:storing")
    computation = queue_bed_day_computation(program_year=2024, actor=analyst)
    assert computation.job_id is not None
    job_id = computation.job_id
    wait_for(lambda: paused_at(job_id, "storing"))
    workers.start()  # worker B
    # when: recovery sees no sign of life but A still holds the job's lock; a second delivery
    # (a broker redelivery, say) reaches B
    assert recover_stale_jobs(stale_after=NOW) == {"requeued": 0, "failed": 0, "alive": 1}
    duplicate = app.send_task("portal.run_job", kwargs={"job_id": job_id})
    # then: B leaves it to A
    assert duplicate.get(timeout=30) == "busy"
    assert job_row(job_id).attempts == 1
    # ... and once A dies, B runs it (once)
    workers.kill(worker_a)
    recover_until_requeued()
    wait_for(lambda: job_row(job_id).is_done, timeout=60)
    assert_succeeded_once(job_id, workers)
    assert AuditEvent.objects.filter(action="bed_days.computed").count() == 1
    assert BedDaySummary.objects.filter(program_year=2024).count() == Facility.objects.count()


# --- database fault: the job's connection is killed --------------------------------------------


def job_session_in_transaction() -> int | None:
    """The worker's database session inside the job's transaction (not ours, not the job's
    autocommit session that holds its lock)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
        )
        row = cursor.fetchone()
    return row[0] if row else None


def test_given_job_connection_killed_when_worker_goes_on_then_retried_and_succeeds(
    workers, facilities, tmp_path
):
    # given: a bed-day job that stops 2 s while storing (each attempt)
    import_claims_now(facilities, tmp_path)
    analyst = UserFactory.create(role=Role.FINANCE_ANALYST)
    workers.start(pause_at="wqip.bed_days:storing", pause_seconds=2)
    computation = queue_bed_day_computation(program_year=2024, actor=analyst)
    assert computation.job_id is not None
    job_id = computation.job_id
    wait_for(lambda: paused_at(job_id, "storing"))
    # when: its database session is terminated in the middle of the transaction
    backend = wait_for(job_session_in_transaction, timeout=5, step=0.05)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
    # then: the same worker reconnects and runs it again, to the end
    wait_for(lambda: job_row(job_id).is_done, timeout=30)
    job = job_row(job_id)
    assert job.status == Job.Status.SUCCEEDED, (job.error, workers.logs())
    assert job.attempts == 2  # the attempt whose session died, and the one that finished
    computation.refresh_from_db()
    assert computation.status == BedDayComputation.Status.FINISHED
    assert BedDaySummary.objects.filter(program_year=2024).count() == Facility.objects.count()
    assert AuditEvent.objects.filter(action="bed_days.computed").count() == 1
