"""The Jobs page in the browser: a finance analyst finds it in the Payments menu, watches a
running job's progress bar move (static/js/jobs.js polls the job's status; no inline script),
and retries a failed job through its confirmation page. Every page is checked with axe-core."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, follow_nav_link


def sample_jobs(*, analyst: Any, approver: Any) -> dict[str, Any]:
    """A succeeded payment run, a claims import running at 30 %, a failed bed-day computation
    (its worker died three times), as the job rows leave them."""
    from portal.models import Job
    from programs.wqip.models import BedDayComputation, ClaimImport

    now = timezone.now()
    minutes = datetime.timedelta(minutes=1)
    done = Job.objects.create(
        kind="payments.payment_run",
        label="Payment run 2024 Interim exhibit",
        status=Job.Status.SUCCEEDED,
        attempts=1,
        started_by=approver,
        started_at=now - 9 * minutes,
        finished_at=now - 8 * minutes,
        heartbeat_at=now - 8 * minutes,
        stage="done",
        fraction=1.0,
        summary="run 12: draft, 6 lines",
    )
    claim_import = ClaimImport.objects.create(
        original_name="claims-2024-q4.csv", uploaded_by=analyst, status="running"
    )
    running = Job.objects.create(
        kind="wqip.claims_import",
        target_type="wqip.claimimport",
        target_id=str(claim_import.pk),
        label="Claims import claims-2024-q4.csv",
        status=Job.Status.RUNNING,
        attempts=1,
        started_by=analyst,
        started_at=now - minutes,
        heartbeat_at=now,
        enqueued_at=now - minutes,
        stage="loading",
        fraction=0.3,
    )
    ClaimImport.objects.filter(pk=claim_import.pk).update(job=running)
    computation = BedDayComputation.objects.create(
        program_year=2024, status=BedDayComputation.Status.FAILED, started_by=analyst
    )
    failed = Job.objects.create(
        kind="wqip.bed_days",
        target_type="wqip.beddaycomputation",
        target_id=str(computation.pk),
        label="Bed days 2024",
        status=Job.Status.FAILED,
        attempts=3,
        started_by=analyst,
        started_at=now - 20 * minutes,
        finished_at=now - 5 * minutes,
        heartbeat_at=now - 12 * minutes,
        stage="storing",
        fraction=0.4,
        error="gave up after 3 attempts: the worker stopped without finishing each time",
    )
    BedDayComputation.objects.filter(pk=computation.pk).update(job=failed)
    return {"done": done, "running": running, "failed": failed}


def test_given_jobs_when_analyst_watches_and_retries_then_progress_moves_and_job_runs_again(
    login, e2e_world
):
    # given
    from portal.models import AuditEvent, Job

    jobs = sample_jobs(
        analyst=e2e_world.users["finance_analyst"], approver=e2e_world.users["finance_approver"]
    )
    page = login("finance_analyst")
    # when: the Jobs page, from the Payments menu
    follow_nav_link(page, "Payments", "Jobs")
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Jobs")
    running = page.get_by_role("row", name=f"#{jobs['running'].pk} Claims import")
    expect(running.get_by_text("loading 30%")).to_be_visible()
    # ... the worker moves on: the bar follows without a reload
    Job.objects.filter(pk=jobs["running"].pk).update(fraction=0.75, heartbeat_at=timezone.now())
    expect(running.get_by_text("loading 75%")).to_be_visible(timeout=10_000)
    expect(running.locator("progress")).to_have_attribute("value", "75")
    failed = page.get_by_role("row", name=f"#{jobs['failed'].pk} Bed days 2024")
    expect(failed.get_by_text("gave up after 3 attempts")).to_be_visible()
    # ... retry the failed one: a confirmation page first
    failed.get_by_role("link", name=f"Retry job {jobs['failed'].pk}").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Retry job")
    page.get_by_label("Why retry it").fill("the worker machine was replaced")
    page.get_by_role("button", name=f"Retry job #{jobs['failed'].pk}").click()
    page.wait_for_load_state("load")
    # then: queued again, run (in-process here) and recorded
    assert_accessible(page)
    expect(page.get_by_text("is queued again")).to_be_visible()
    expect(page.locator("[data-job-status-label]")).to_have_text("Succeeded")
    event = AuditEvent.objects.get(action="job.retried")
    assert event.reason == "the worker machine was replaced"
    assert Job.objects.get(pk=jobs["failed"].pk).status == Job.Status.SUCCEEDED
