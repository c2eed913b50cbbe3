"""Issue 13: a real Celery worker (its own process, Redis broker) imports a claims file kept in
S3-compatible object storage (moto's server, its own process): it copies the object to a
temporary local file, loads it in parallel, and removes the copy."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from portal.celery import app
from portal.jobs.services import enqueue_job
from portal.models import Role
from programs.wqip.models import ClaimImport, ClaimLine
from programs.wqip.services.claims_import import CLAIMS_IMPORT_JOB
from tests.factories import FacilityFactory, UserFactory
from tests.portal.test_object_storage import KEYS, bucket, keys, s3_server
from tests.programs.wqip.claims_helpers import claims_csv

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
__all__ = ["bucket", "s3_server"]  # fixtures used here

ROOT = Path(__file__).resolve().parents[2]
TASK = "portal.run_job"  # every job runs through the core's one task (portal/jobs)
WORKER = (
    "import django; django.setup();"
    "from portal.celery import app;"
    "app.worker_main(['worker', '-P', 'solo', '-c', '1', '-l', 'info',"
    " '--without-heartbeat', '--without-gossip', '--without-mingle'])"
)


def test_given_claims_file_in_bucket_when_worker_imports_then_parallel_load_of_local_copy(
    bucket, s3_server, tmp_path
):
    # given: a claims file stored in the bucket as the upload page stores it, and its job queued
    s3, name = bucket
    facility = FacilityFactory.create()
    rows = [
        {"facility_npi": facility.npi, "claim_id": f"K{n:03d}", "member_id": f"M{n % 9}"}
        for n in range(50)
    ]
    claim_import = ClaimImport(
        original_name="claims.csv", uploaded_by=UserFactory.create(role=Role.FINANCE_ANALYST)
    )
    claim_import.file.save("upload.csv", ContentFile(claims_csv(rows).encode()), save=True)
    claim_import.job = enqueue_job(
        kind=CLAIMS_IMPORT_JOB, target=claim_import, started_by=claim_import.uploaded_by, send=False
    )
    claim_import.save(update_fields=["job"])
    assert keys(s3, name) == [claim_import.file.name]
    with app.connection_for_write() as broker:
        broker.default_channel.queue_purge("celery")  # type: ignore[attr-defined]
    app.send_task(TASK, kwargs={"job_id": claim_import.job.pk})
    temp_dir = tmp_path / "worker-tmp"
    temp_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DEBUG": "false",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "WQIP_S3_BUCKET": name,
        "AWS_S3_ENDPOINT_URL": s3_server,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": KEYS["access_key"],
        "AWS_SECRET_ACCESS_KEY": KEYS["secret_key"],
        "WQIP_TEMP_DIR": str(temp_dir),
        "WQIP_CLAIMS_PARALLEL_MIN_BYTES": "0",
        "WQIP_CLAIMS_LOAD_WORKERS": "3",
        "LOG_LEVEL": "INFO",
    }
    log = tmp_path / "worker.log"
    # when: a worker of its own, configured by the environment alone, runs the job
    with open(log, "wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-c", WORKER], cwd=ROOT, env=env, stdout=out, stderr=out
        )
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                claim_import.refresh_from_db()
                if claim_import.is_done:
                    break
                time.sleep(0.2)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    # then
    text = log.read_text()
    assert claim_import.status == ClaimImport.Status.SUCCEEDED, claim_import.error_report + text
    assert ClaimLine.objects.count() == 50
    assert "loaded by 3 sessions" in text
    assert list(temp_dir.iterdir()) == []  # the local copy is removed
    assert keys(s3, name) == [claim_import.file.name]  # the object stays
