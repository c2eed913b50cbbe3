"""portal/jobs: the job record, its runner (lock, attempts, failure with a reason and a notice),
recovery from the rows, retry, and the Jobs pages. The workers themselves are exercised in
tests/integration/test_job_recovery.py; here the task runs in-process (eager)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connections
from django.urls import reverse
from django.utils import timezone

from payments.models import PaymentRun
from payments.services import request_payment_run
from portal.jobs.kinds import JobKind, JobRefused, Progress, register_job_kind
from portal.jobs.models import JOB_KINDS, Job
from portal.jobs.services import (
    JOB_LOCK_KEY,
    JobNotRetryable,
    enqueue_job,
    recover_stale_jobs,
    retry_job,
    run_job,
)
from portal.models import AuditEvent, Notice, Role, ScheduledNotice
from portal.notifications.services import sweep_due_notices
from programs.wqip.models import ClaimImport
from programs.wqip.services import claims_import
from tests.factories import FacilityFactory, UserFactory
from tests.programs.wqip.claims_helpers import claims_csv

NOW = datetime.timedelta(0)


class Script:
    """What the test kind's job does on each start: "ok", "refuse", "boom", "db"."""

    def __init__(self) -> None:
        self.steps: list[str] = []
        self.runs = 0
        self.failed: list[int] = []
        self.retried: list[int] = []

    def run(self, job: Job, progress: Progress) -> str:
        self.runs += 1
        progress("working", 0.5)
        step = self.steps.pop(0) if self.steps else "ok"
        if step == "refuse":
            raise JobRefused("line 7, column paid_amount: not a number")
        if step == "boom":
            raise KeyError("member_id")
        if step == "db":
            raise OperationalError("server closed the connection unexpectedly")
        return f"done on run {self.runs}"


@pytest.fixture
def script() -> Iterator[Script]:
    current = Script()
    register_job_kind(
        JobKind(
            key="test.scripted",
            label="Scripted test job",
            run=current.run,
            on_failed=lambda job: current.failed.append(job.pk),
            on_retry=lambda job: current.retried.append(job.pk),
        )
    )
    yield current
    JOB_KINDS.pop("test.scripted", None)


@pytest.fixture
def analyst(db):
    user = UserFactory.create(role=Role.FINANCE_ANALYST)
    # plan staff sign in with TOTP (RequireStaffMFAMiddleware)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


@pytest.fixture
def fast_retries(settings):
    settings.JOBS_RETRY_DELAY_SECONDS = 0
    settings.JOBS_MAX_ATTEMPTS = 3


def queued_job(analyst: Any, **fields: Any) -> Job:
    return Job.objects.create(kind="test.scripted", label="Scripted", started_by=analyst, **fields)


# --- running ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_given_queued_job_when_committed_then_worker_runs_it_once(
    script, analyst, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue_job(kind="test.scripted", started_by=analyst, label="My job")
    # then
    job.refresh_from_db()
    assert (job.status, job.attempts, job.summary) == (Job.Status.SUCCEEDED, 1, "done on run 1")
    assert job.started_at is not None
    assert job.finished_at is not None
    assert job.percent == 100
    assert run_job(job_id=job.pk) == "done before"
    assert script.runs == 1


@pytest.mark.django_db
def test_given_unexpected_error_when_run_then_failed_with_reason_and_starter_told(script, analyst):
    # given
    script.steps = ["boom"]
    job = queued_job(analyst)
    # when
    outcome = run_job(job_id=job.pk)
    # then: failed at once (no retry of a bug), with its reason, the app's row told
    job.refresh_from_db()
    assert outcome == "failed"
    assert job.status == Job.Status.FAILED
    assert job.error == "KeyError: 'member_id'"
    assert job.attempts == 1
    assert script.failed == [job.pk]
    assert AuditEvent.objects.filter(action="job.failed", target_id=str(job.pk)).count() == 1
    # ... and the starter gets one inbox notice, with the reason
    assert ScheduledNotice.objects.filter(kind="job_failed").count() == 1
    sweep_due_notices()
    notice = Notice.objects.get(user=analyst)
    assert notice.title == "Scripted failed"
    assert "KeyError" in notice.body
    assert notice.link == reverse("portal:job_detail", args=[job.pk])


@pytest.mark.django_db
def test_given_refused_input_when_run_then_failed_with_the_refusal(script, analyst):
    script.steps = ["refuse"]
    job = queued_job(analyst)
    run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "line 7, column paid_amount: not a number"


@pytest.mark.django_db
def test_given_another_session_holds_the_job_when_delivered_again_then_left_alone(script, analyst):
    # given: a worker elsewhere runs the job (holds its lock)
    job = queued_job(analyst)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [JOB_LOCK_KEY, job.pk])
        # when
        outcome = run_job(job_id=job.pk)
        # then
        assert outcome == "busy"
        assert script.runs == 0
        assert Job.objects.get(pk=job.pk).attempts == 0
        # ... and recovery counts it alive, whatever its heartbeat says
        Job.objects.filter(pk=job.pk).update(
            enqueued_at=timezone.now() - datetime.timedelta(hours=1),
            created_at=timezone.now() - datetime.timedelta(hours=1),
        )
        assert recover_stale_jobs(stale_after=NOW)["alive"] == 1
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_given_database_error_once_when_run_then_retried_and_succeeds(
    script, analyst, fast_retries
):
    script.steps = ["db"]
    job = queued_job(analyst)
    assert run_job(job_id=job.pk) == "succeeded"
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (Job.Status.SUCCEEDED, 2, "")
    assert script.failed == []


@pytest.mark.django_db(transaction=True)
def test_given_database_error_every_time_when_run_then_failed_after_n_attempts_with_notice(
    script, analyst, fast_retries
):
    # given: the database goes away under the job at every start
    script.steps = ["db", "db", "db", "db"]
    job = queued_job(analyst)
    # when
    outcome = run_job(job_id=job.pk)
    # then
    job.refresh_from_db()
    assert outcome == "failed"
    assert script.runs == 3
    assert job.attempts == 3
    assert job.error.startswith("gave up after 3 attempts: OperationalError")
    assert script.failed == [job.pk]
    assert ScheduledNotice.objects.filter(kind="job_failed", subject_id=job.pk).count() == 1


# --- recovery -----------------------------------------------------------------------------------


def make_stale(job: Job, *, attempts: int, status: str = Job.Status.RUNNING) -> None:
    long_ago = timezone.now() - datetime.timedelta(minutes=30)
    Job.objects.filter(pk=job.pk).update(
        status=status,
        attempts=attempts,
        heartbeat_at=long_ago,
        enqueued_at=long_ago,
        created_at=long_ago,
    )


@pytest.mark.django_db
def test_given_job_lost_by_dead_worker_when_recovered_then_queued_again_and_finished(
    script, analyst, settings, django_capture_on_commit_callbacks
):
    # given: one job whose worker died mid-run, one lost in the queue, one still fresh
    settings.JOBS_STALE_AFTER_SECONDS = 120
    dead, lost, fresh = queued_job(analyst), queued_job(analyst), queued_job(analyst)
    make_stale(dead, attempts=1)
    make_stale(lost, attempts=0, status=Job.Status.QUEUED)
    Job.objects.filter(pk=fresh.pk).update(enqueued_at=timezone.now())
    # when
    with django_capture_on_commit_callbacks(execute=True):
        counts = recover_stale_jobs()
    # then
    assert counts == {"requeued": 2, "failed": 0, "alive": 0}
    dead.refresh_from_db()
    lost.refresh_from_db()
    assert (dead.status, dead.attempts) == (Job.Status.SUCCEEDED, 2)
    assert (lost.status, lost.attempts) == (Job.Status.SUCCEEDED, 1)
    assert Job.objects.get(pk=fresh.pk).status == Job.Status.QUEUED  # not stale: left alone
    assert AuditEvent.objects.filter(action="job.requeued").count() == 2


@pytest.mark.django_db
def test_given_job_started_n_times_when_recovered_then_failed_with_reason_and_notice(
    script, analyst, settings
):
    settings.JOBS_MAX_ATTEMPTS = 3
    job = queued_job(analyst)
    make_stale(job, attempts=3)
    assert recover_stale_jobs(stale_after=NOW) == {"requeued": 0, "failed": 1, "alive": 0}
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == ("gave up after 3 attempts: the worker stopped without finishing each time")
    assert script.failed == [job.pk]
    sweep_due_notices()
    assert Notice.objects.filter(user=analyst, title="Scripted failed").count() == 1
    # a second recovery changes nothing
    assert recover_stale_jobs(stale_after=NOW) == {"requeued": 0, "failed": 0, "alive": 0}


@pytest.mark.django_db
def test_given_beat_schedule_then_recovery_runs_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["recover-stale-jobs"]
    assert (entry["task"], entry["schedule"]) == ("portal.recover_jobs", 60.0)
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 43200) >= 43200


# --- retry --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_given_failed_job_when_retried_then_runs_again_with_audit_event(
    script, analyst, django_capture_on_commit_callbacks
):
    script.steps = ["boom"]
    job = queued_job(analyst)
    run_job(job_id=job.pk)
    approver = UserFactory.create(role=Role.FINANCE_APPROVER)
    with django_capture_on_commit_callbacks(execute=True):
        retry_job(job=job, actor=approver, reason="fixed the member file")
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (Job.Status.SUCCEEDED, 1, "")
    assert script.retried == [job.pk]
    event = AuditEvent.objects.get(action="job.retried")
    assert (event.actor, event.reason) == (approver, "fixed the member file")
    assert event.data["previous_error"] == "KeyError: 'member_id'"
    with pytest.raises(JobNotRetryable):
        retry_job(job=job, actor=approver)


# --- the apps' jobs -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_given_claims_import_meets_unexpected_error_then_import_and_job_failed_with_reason(
    analyst, monkeypatch, django_capture_on_commit_callbacks
):
    # given: something other than a bad row goes wrong inside the import
    facility = FacilityFactory.create()

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(claims_import, "import_claims", broken)
    body = claims_csv([{"facility_npi": facility.npi}]).encode()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        claim_import = claims_import.start_claim_import(
            uploaded_file=SimpleUploadedFile("claims.csv", body), actor=analyst
        )
    # then: not left "running" for ever
    claim_import.refresh_from_db()
    assert claim_import.status == ClaimImport.Status.FAILED
    assert claim_import.summary == "failed: RuntimeError: disk full"
    assert claim_import.job is not None
    assert claim_import.job.status == Job.Status.FAILED
    assert claim_import.job.error == "RuntimeError: disk full"


@pytest.mark.django_db
def test_given_queued_run_whose_job_failed_when_run_requested_then_new_run(
    payable_facility, analyst
):
    # given: a run queued earlier whose job died for good (its worker never came back)
    first = request_payment_run(
        program="wqip", program_year=2024, kind="interim", started_by=analyst
    )
    assert first.job is not None
    assert (
        request_payment_run(program="wqip", program_year=2024, kind="interim", started_by=analyst)
        == first
    )  # still alive: the same run is handed back
    make_stale(first.job, attempts=3)
    recover_stale_jobs(stale_after=NOW)
    first.refresh_from_db()
    assert first.status == PaymentRun.Status.FAILED
    assert first.error.startswith("gave up after 3 attempts")
    # when
    second = request_payment_run(
        program="wqip", program_year=2024, kind="interim", started_by=analyst
    )
    # then
    assert second.pk != first.pk
    assert second.status == PaymentRun.Status.QUEUED


# --- pages --------------------------------------------------------------------------------------


@pytest.fixture
def failed_job(script, analyst) -> Job:
    script.steps = ["boom"]
    job = queued_job(analyst)
    run_job(job_id=job.pk)
    return Job.objects.get(pk=job.pk)


@pytest.mark.django_db
def test_given_jobs_when_finance_opens_jobs_page_then_status_progress_attempts_error_retry(
    client, analyst, failed_job
):
    running = queued_job(analyst, status=Job.Status.RUNNING, attempts=1, stage="loading")
    Job.objects.filter(pk=running.pk).update(fraction=0.42, started_at=timezone.now())
    client.force_login(analyst)
    page = client.get(reverse("portal:job_list")).content.decode()
    assert "KeyError: &#x27;member_id&#x27;" in page
    assert reverse("portal:job_retry", args=[failed_job.pk]) in page
    assert 'value="42"' in page
    assert "loading 42%" in page
    assert reverse("portal:job_status", args=[running.pk]) in page
    assert "<script>" not in page  # strict CSP: the live progress comes from js/jobs.js
    status = client.get(reverse("portal:job_status", args=[running.pk])).json()
    assert status == {
        "id": running.pk,
        "status": "running",
        "status_label": "Running",
        "done": False,
        "stage": "loading",
        "percent": 42,
        "attempts": 1,
    }
    failed_only = client.get(reverse("portal:job_list"), {"status": "failed"}).content.decode()
    assert f"#{failed_job.pk} " in failed_only
    assert f"#{running.pk} " not in failed_only


@pytest.mark.django_db
def test_given_failed_job_when_retry_confirmed_then_queued_again(
    client, analyst, failed_job, django_capture_on_commit_callbacks
):
    client.force_login(analyst)
    url = reverse("portal:job_retry", args=[failed_job.pk])
    confirmation = client.get(url).content.decode()
    assert "Retry job #" in confirmation
    assert "KeyError" in confirmation
    assert Job.objects.get(pk=failed_job.pk).status == Job.Status.FAILED  # GET changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "try again"})
    assert response.status_code == 302
    assert Job.objects.get(pk=failed_job.pk).status == Job.Status.SUCCEEDED
    assert AuditEvent.objects.filter(action="job.retried", actor=analyst).count() == 1
    # a job that is not failed cannot be retried
    again = client.post(url, {"reason": "twice"})
    assert again.status_code == 302
    assert AuditEvent.objects.filter(action="job.retried").count() == 1


@pytest.mark.django_db
def test_given_silent_jobs_when_page_opened_then_only_the_one_nobody_holds_is_flagged(
    client, analyst
):
    # given: two running jobs without a heartbeat for 30 minutes; a worker holds the first
    alive, dead = queued_job(analyst), queued_job(analyst)
    make_stale(alive, attempts=1)
    make_stale(dead, attempts=1)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [JOB_LOCK_KEY, alive.pk])
        client.force_login(analyst)
        # when
        alive_page = client.get(reverse("portal:job_detail", args=[alive.pk])).content.decode()
        dead_page = client.get(reverse("portal:job_detail", args=[dead.pk])).content.decode()
    finally:
        other.close()
    # then
    assert "No sign of life" not in alive_page
    assert "No sign of life from its worker since" in dead_page
