"""Rows left queued or running before jobs existed get a job (the data migrations), so that
recovery finishes them after the upgrade instead of leaving them "running" for ever."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps

from payments.models import PaymentRun
from portal.jobs.services import recover_stale_jobs
from portal.models import Role
from programs.wqip.models import BedDayComputation, ClaimImport
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

wqip_migration = importlib.import_module("programs.wqip.migrations.0004_jobs_for_unfinished_rows")
payments_migration = importlib.import_module("payments.migrations.0005_jobs_for_queued_runs")


def test_given_rows_stuck_before_jobs_existed_when_migrated_then_recovery_takes_them(
    django_capture_on_commit_callbacks,
):
    # given: an import "running" for ever, a computation, a queued run; and finished ones
    analyst = UserFactory.create(role=Role.FINANCE_ANALYST)
    stuck_import = ClaimImport.objects.create(
        original_name="claims.csv", uploaded_by=analyst, status="running"
    )
    done_import = ClaimImport.objects.create(original_name="old.csv", status="succeeded")
    computation = BedDayComputation.objects.create(program_year=2024, started_by=analyst)
    finished = BedDayComputation.objects.create(program_year=2024, status="finished")
    run = PaymentRun.objects.create(
        program="wqip", program_year=2024, kind="interim", started_by=analyst
    )
    # when
    wqip_migration.give_unfinished_rows_a_job(apps, None)
    payments_migration.give_queued_runs_a_job(apps, None)
    # then
    for row in (stuck_import, done_import, computation, finished, run):
        row.refresh_from_db()
    assert (done_import.job, finished.job) == (None, None)
    assert stuck_import.job is not None
    assert (stuck_import.job.kind, stuck_import.job.status, stuck_import.job.attempts) == (
        "wqip.claims_import",
        "running",
        1,
    )
    assert stuck_import.job.started_by == analyst
    assert computation.job is not None
    assert computation.job.kind == "wqip.bed_days"
    assert run.job is not None
    assert (run.job.kind, run.job.target_id) == ("payments.payment_run", str(run.pk))
    # ... and recovery hands them to a worker once they look stale (two minutes later)
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert recover_stale_jobs(stale_after=datetime.timedelta(0))["requeued"] == 3
    assert len(sent) == 3
