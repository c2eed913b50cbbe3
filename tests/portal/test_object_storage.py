"""Issue 13: uploads on S3-compatible object storage (django-storages) or local disk.

The S3 tests run against a real S3-compatible HTTP server, moto's, started as a process of its
own on a free port of 127.0.0.1; nothing is mocked inside the test process."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.files.models import private_storage
from portal.files.s3 import PrivateS3Storage
from portal.files.storage import local_file
from portal.models import Role
from programs.wqip.models import ClaimImport, ClaimLine, OptInDocument
from programs.wqip.services.claims_import import start_claim_import
from tests.factories import FacilityFactory, UserFactory
from tests.programs.wqip.claims_helpers import claims_csv
from tests.programs.wqip.opt_in_helpers import PDF_BYTES, submitted_opt_in

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"access_key": "wqip-test", "secret_key": "wqip-test-secret"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():  # type: ignore[no-untyped-def]
    """moto's S3-compatible server in its own process."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise AssertionError("the S3 server did not start") from None
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def bucket(s3_server, settings, tmp_path):  # type: ignore[no-untyped-def]
    """A new bucket; claim files and private documents stored in it (as WQIP_S3_BUCKET does)."""
    name = f"wqip-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    client.create_bucket(Bucket=name)
    s3 = {
        "BACKEND": "portal.files.s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": name,
            "endpoint_url": s3_server,
            "region_name": "us-east-1",
            **KEYS,
        },
    }
    settings.STORAGES = {**settings.STORAGES, "default": s3, "private": s3}
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-unused"
    settings.WQIP_TEMP_DIR = str(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir()
    return client, name


def keys(client, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    listing = client.list_objects_v2(Bucket=name)
    return sorted(item["Key"] for item in listing.get("Contents", []))


@pytest.mark.django_db
def test_given_bucket_when_opt_in_document_uploaded_then_object_stored_and_served_by_view(
    client, bucket, tmp_path
):
    # given
    s3, name = bucket
    # when: an opt-in is drafted with its documents and submitted, then a document downloaded
    opt_in, admin = submitted_opt_in()
    document = OptInDocument.objects.filter(version__opt_in=opt_in).first()
    assert document is not None
    client.force_login(admin)
    response = client.get(reverse("wqip:opt_in_document_download", args=[document.pk]))
    # then: the object is in the bucket under the generated name, nothing on local disk
    assert document.file.name in keys(s3, name)
    assert document.file.name.endswith(".pdf")
    body = s3.get_object(Bucket=name, Key=document.file.name)["Body"].read()
    assert body == PDF_BYTES
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"] == 'attachment; filename="w9.pdf"'
    assert not (tmp_path / "private-unused").exists()
    assert isinstance(document.file.storage, PrivateS3Storage)
    with pytest.raises(ValueError, match="no URL"):
        document.file.storage.url(document.file.name)


@pytest.mark.django_db
def test_given_bucket_when_private_file_deleted_then_object_gone(bucket):
    s3, name = bucket
    stored = private_storage().save("letters/1/letter.pdf", ContentFile(b"%PDF-1.4 letter"))
    assert keys(s3, name) == [stored]
    private_storage().delete(stored)
    assert keys(s3, name) == []


@pytest.mark.django_db(transaction=True)
def test_given_bucket_when_claims_uploaded_then_worker_loads_a_local_copy_in_parallel(
    bucket, settings, tmp_path, caplog
):
    # given: a claims file uploaded by a finance analyst, files this size loaded in parallel
    s3, name = bucket
    settings.WQIP_CLAIMS_PARALLEL_MIN_BYTES = 0
    settings.WQIP_CLAIMS_LOAD_WORKERS = 3
    facility = FacilityFactory.create()
    rows = [
        {"facility_npi": facility.npi, "claim_id": f"K{n:03d}", "member_id": f"M{n % 9}"}
        for n in range(40)
    ]
    upload = SimpleUploadedFile("claims.csv", claims_csv(rows).encode(), "text/csv")
    analyst = UserFactory.create(role=Role.FINANCE_ANALYST)
    # when: stored, then imported by the job at commit (tasks run in-process in tests)
    with caplog.at_level(logging.INFO, logger="programs.wqip.services.claims_parallel_load"):
        claim_import = start_claim_import(uploaded_file=upload, actor=analyst)
    # then
    claim_import.refresh_from_db()
    assert claim_import.status == ClaimImport.Status.SUCCEEDED, claim_import.error_report
    assert ClaimLine.objects.count() == 40
    assert keys(s3, name) == [claim_import.file.name]
    assert str(claim_import.file.name).startswith("claim_imports/")
    assert "loaded by 3 sessions" in caplog.text
    assert list((tmp_path / "tmp").iterdir()) == []  # the local copy is gone


@pytest.mark.django_db
def test_given_bucket_when_local_file_asked_then_temporary_copy_removed_after(bucket, tmp_path):
    stored = default_storage.save("claim_imports/x.csv", ContentFile(b"claim_id\nK1\n"))
    claim_import = ClaimImport(file=stored)
    with local_file(claim_import.file) as path:
        assert path.parent == tmp_path / "tmp"
        assert path.read_bytes() == b"claim_id\nK1\n"
    assert not path.exists()


@pytest.mark.django_db
def test_given_local_disk_when_local_file_asked_then_the_stored_file_itself(settings, tmp_path):
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    stored = default_storage.save("claim_imports/y.csv", ContentFile(b"claim_id\nK2\n"))
    claim_import = ClaimImport(file=stored)
    with local_file(claim_import.file) as path:
        assert path == tmp_path / "private" / stored
    assert path.exists()  # nothing copied, nothing removed
    assert isinstance(private_storage(), FileSystemStorage)


def test_given_s3_environment_when_settings_load_then_both_upload_storages_use_the_bucket():
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings; import json\n"
        "print(json.dumps({k: settings.STORAGES[k] for k in ('default', 'private')}))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
        "WQIP_S3_BUCKET": "plan-uploads",
        "AWS_S3_ENDPOINT_URL": "https://s3.plan.example",
        "AWS_S3_REGION_NAME": "us-west-2",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60, check=True,
    )  # fmt: skip
    import json

    storages = json.loads(done.stdout.strip().splitlines()[-1])
    assert storages["default"] == storages["private"]
    assert storages["private"]["BACKEND"] == "portal.files.s3.PrivateS3Storage"
    options = storages["private"]["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["region_name"]) == (
        "plan-uploads",
        "https://s3.plan.example",
        "us-west-2",
    )
