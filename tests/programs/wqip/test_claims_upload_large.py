"""Web claims upload takes files far above the 10 MB document limit, streamed to a temporary
file, up to a limit of its own (issue 13 fix 7)."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import Client
from django.urls import reverse

from portal.models import Role
from programs.wqip.models.claims import ClaimImport
from programs.wqip.services.claims_columns import CLAIM_COLUMNS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINE = (
    b"K0000001,1,1,,2024-04-02,2024-03-20,M0000001,1500000009,2024-03-01,2024-03-01,"
    b"2024-03-10,,0101,MEDI_CAL,MCP,N,IN,PAID,100.00\n"
)


def claims_bytes(size: int) -> bytes:
    header = ",".join(CLAIM_COLUMNS).encode() + b"\n"
    return header + LINE * ((size - len(header)) // len(LINE) + 1)


@pytest.fixture
def analyst_client() -> Client:
    analyst = UserFactory.create(role=Role.FINANCE_ANALYST)
    Authenticator.objects.create(user=analyst, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    return client


def csrf(client: Client) -> str:
    client.get(reverse("wqip:claim_upload"))
    return client.cookies["csrftoken"].value


def test_given_claims_file_over_10_mb_when_uploaded_then_streamed_to_disk_and_queued(
    analyst_client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # given: a 12 MB file (the document limit is 10 MB)
    assert settings.WQIP_UPLOAD_MAX_BYTES == 10 * 1024 * 1024
    assert settings.WQIP_CLAIMS_UPLOAD_MAX_BYTES == 2 * 1024**3
    content = claims_bytes(12 * 1024 * 1024)
    received: list[object] = []
    from programs.wqip.services import claims_import

    real = claims_import.start_claim_import

    def spy(*, uploaded_file, actor):  # type: ignore[no-untyped-def]
        received.append(type(uploaded_file))
        return real(uploaded_file=uploaded_file, actor=actor)

    monkeypatch.setattr("programs.wqip.views.bed_days.start_claim_import", spy)
    token = csrf(analyst_client)
    # when
    with django_capture_on_commit_callbacks(execute=False):
        response = analyst_client.post(
            reverse("wqip:claim_upload"),
            {"file": SimpleUploadedFile("claims.csv", content), "csrfmiddlewaretoken": token},
        )
    # then: stored whole, from a temporary file (never held in memory), and queued
    assert response.status_code == 302, response.content[:2000]
    assert received == [TemporaryUploadedFile]
    claim_import = ClaimImport.objects.get()
    assert claim_import.file.size == len(content)
    with claim_import.file.open("rb") as stored:
        assert stored.read(200) == content[:200]


def test_given_file_above_claims_limit_when_uploaded_then_refused_and_nothing_stored(
    analyst_client, settings
):
    # given: a limit of 1 MB, a 2 MB file
    settings.WQIP_CLAIMS_UPLOAD_MAX_BYTES = 1024 * 1024
    token = csrf(analyst_client)
    # when
    response = analyst_client.post(
        reverse("wqip:claim_upload"),
        {
            "file": SimpleUploadedFile("claims.csv", claims_bytes(2 * 1024 * 1024)),
            "csrfmiddlewaretoken": token,
        },
    )
    # then
    assert response.status_code == 413
    assert "claims upload limit (1.0 MB)" in response.content.decode()
    assert not ClaimImport.objects.exists()


def test_given_streamed_file_growing_past_limit_when_uploaded_then_stopped(settings, rf):
    # given: a body whose declared length is small (a chunked upload), the handler first
    from django.core.files.uploadhandler import StopUpload

    from portal.files.uploads import SizeLimitUploadHandler

    handler = SizeLimitUploadHandler(rf.post("/"), limit=100)
    handler.new_file("file", "claims.csv", "text/csv", None)
    # when / then
    assert handler.receive_data_chunk(b"x" * 60, 0) == b"x" * 60
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 60, 60)
    assert getattr(handler.request, "upload_too_large", False) is True


def test_given_upload_without_csrf_token_when_posted_then_refused(analyst_client):
    # when
    response = analyst_client.post(
        reverse("wqip:claim_upload"),
        {"file": SimpleUploadedFile("claims.csv", claims_bytes(1000))},
    )
    # then
    assert response.status_code == 403
    assert not ClaimImport.objects.exists()
