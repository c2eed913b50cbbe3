"""The finance uploads (per diems, citations, opt-ins) are jobs: each upload leaves a job row
(on the Jobs page), a refusal fails the job with its lines (no notice: the uploader sees it on
the page), and a job left behind by a web process that died is run from the stored file."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.jobs.models import Job
from portal.jobs.services import recover_stale_jobs
from portal.models import Role, ScheduledNotice
from programs.wqip.models import PerDiem
from programs.wqip.services.web_imports import PER_DIEMS_IMPORT_JOB, import_upload_now
from tests.factories import FacilityFactory, UserFactory

pytestmark = pytest.mark.django_db

PARAMS = {"program_year": 2024, "exhibit": "interim", "received_on": "2025-05-12"}


def upload(body: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("exhibit-2024.csv", body.encode(), "text/csv")


def test_given_good_file_when_uploaded_then_job_succeeded_with_summary():
    facility = FacilityFactory.create()
    analyst = UserFactory.create(role=Role.FINANCE_ANALYST)
    job = import_upload_now(
        kind=PER_DIEMS_IMPORT_JOB,
        uploaded_file=upload(f"facility_npi,per_diem\n{facility.npi},19.875\n"),
        actor=analyst,
        label="Per-diem exhibit",
        params=PARAMS,
    )
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 1)
    assert job.summary == "1 per diems loaded, 0 replaced"
    assert job.label == "Per-diem exhibit exhibit-2024.csv"
    assert job.started_by == analyst
    assert PerDiem.objects.get().facility == facility


def test_given_bad_file_when_uploaded_then_job_failed_with_lines_and_no_notice():
    analyst = UserFactory.create(role=Role.FINANCE_ANALYST)
    job = import_upload_now(
        kind=PER_DIEMS_IMPORT_JOB,
        uploaded_file=upload("facility_npi,per_diem\n1234567893,1\n"),
        actor=analyst,
        label="Per-diem exhibit",
        params=PARAMS,
    )
    assert job.status == Job.Status.FAILED
    assert job.error == "line 2, column facility_npi: unknown facility NPI 1234567893"
    assert not ScheduledNotice.objects.filter(kind="job_failed").exists()
    assert not PerDiem.objects.exists()


def test_given_upload_whose_web_process_died_when_recovered_then_imported_from_stored_file(
    django_capture_on_commit_callbacks,
):
    # given: the first attempt's process died (the job row says running, no sign of life)
    facility = FacilityFactory.create()
    analyst = UserFactory.create(role=Role.FINANCE_ANALYST)
    job = import_upload_now(
        kind=PER_DIEMS_IMPORT_JOB,
        uploaded_file=upload(f"facility_npi,per_diem\n{facility.npi},19.875\n"),
        actor=analyst,
        label="Per-diem exhibit",
        params=PARAMS,
    )
    PerDiem.objects.all().delete()
    long_ago = timezone.now() - datetime.timedelta(minutes=10)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        summary="",
        heartbeat_at=long_ago,
        enqueued_at=long_ago,
        created_at=long_ago,
        finished_at=None,
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stale_jobs()["requeued"] == 1
    # then
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 2)
    assert PerDiem.objects.get().facility == facility


def test_given_imports_when_upload_page_opened_then_recent_imports_with_state_and_progress(
    client,
):
    # given: one import running (its job at 40 %), one refused
    from allauth.mfa.models import Authenticator
    from django.urls import reverse

    from programs.wqip.models import ClaimImport

    analyst = UserFactory.create(role=Role.FINANCE_ANALYST)
    Authenticator.objects.create(user=analyst, type=Authenticator.Type.TOTP, data={"secret": "x"})
    running_job = Job.objects.create(
        kind="wqip.claims_import",
        label="Claims import big.csv",
        status=Job.Status.RUNNING,
        attempts=2,
        stage="loading",
        fraction=0.4,
    )
    ClaimImport.objects.create(
        original_name="big.csv", uploaded_by=analyst, status="running", job=running_job
    )
    ClaimImport.objects.create(
        original_name="bad.csv",
        uploaded_by=analyst,
        status="failed",
        summary="refused: 2 error(s); nothing was imported",
    )
    client.force_login(analyst)
    # when
    page = client.get(reverse("wqip:claim_upload")).content.decode()
    # then
    assert "big.csv" in page
    assert "loading 40%" in page
    assert "(attempt 2)" in page
    assert reverse("portal:job_status", args=[running_job.pk]) in page
    assert "refused: 2 error(s); nothing was imported" in page
