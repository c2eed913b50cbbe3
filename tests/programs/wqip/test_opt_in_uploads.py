"""Uploads: type by content, size limit, sanitised names, nothing stored when refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.files.uploads import (
    detect_content_type,
    download_name,
    sanitise_filename,
    stored_upload_path,
)
from programs.wqip.models import OptInDocument
from programs.wqip.services import opt_in as services
from tests.factories import FacilityFactory
from tests.programs.wqip.opt_in_helpers import (
    EXE_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    facility_user,
    open_window,
    pdf_upload,
    program_year,
)


@pytest.fixture
def private_root(settings, tmp_path: Path) -> Path:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def draft(db):
    facility = FacilityFactory.create()
    admin = facility_user(facility)
    opt_in = services.start_opt_in(
        facility=facility, program_year=open_window(program_year()), actor=admin
    )
    return opt_in, admin


def _stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PDF_BYTES, "application/pdf"),
        (PNG_BYTES, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (EXE_BYTES, None),
        (b"<html><script>", None),
    ],
)
def test_given_bytes_when_type_detected_then_by_magic_number(head, expected):
    assert detect_content_type(head[:16]) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ana\\W-9 2025.pdf", "W-9 2025.pdf"),
        ('w9";\r\nX-Evil: 1.pdf', "w9__X-Evil_ 1.pdf"),
        ("...", "document"),
    ],
)
def test_given_hostile_name_when_sanitised_then_safe_display_name(name, expected):
    assert sanitise_filename(name) == expected


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("poly.html", "application/pdf", "poly.html.pdf"),
        ("W-9.PDF", "application/pdf", "W-9.PDF"),
        ("photo.jpeg", "image/jpeg", "photo.jpeg"),
        ("photo.jpg", "image/png", "photo.jpg.png"),
        ("scan", "image/png", "scan.png"),
        ('../a";b.svg', "application/pdf", "a__b.svg.pdf"),
    ],
)
def test_given_stored_name_when_downloaded_then_name_ends_in_detected_type(
    name, content_type, expected
):
    assert download_name(name, content_type) == expected


def test_given_row_without_detected_type_when_file_stored_then_refused():
    # given
    document = OptInDocument(content_type="text/html", original_name="poly.html")
    # when / then
    with pytest.raises(ValueError, match="check_upload first"):
        stored_upload_path(document, "poly.html")


def test_given_executable_renamed_pdf_when_uploaded_then_refused_and_nothing_stored(
    draft, private_root
):
    # given
    opt_in, admin = draft
    disguised = SimpleUploadedFile("w9.pdf", EXE_BYTES, content_type="application/pdf")
    # when / then
    with pytest.raises(ValidationError, match="not a PDF file"):
        services.upload_opt_in_document(opt_in=opt_in, kind="w9", upload=disguised, actor=admin)
    assert not OptInDocument.objects.exists()
    assert _stored_files(private_root) == []


def test_given_png_as_w9_when_uploaded_then_refused_because_w9_must_be_pdf(draft, private_root):
    # given
    opt_in, admin = draft
    # when / then
    with pytest.raises(ValidationError, match="not a PDF file"):
        services.upload_opt_in_document(
            opt_in=opt_in, kind="w9", upload=SimpleUploadedFile("w9.png", PNG_BYTES), actor=admin
        )


def test_given_file_over_limit_when_uploaded_then_clear_message_and_nothing_stored(
    draft, private_root, settings
):
    # given
    settings.WQIP_UPLOAD_MAX_BYTES = 1024
    opt_in, admin = draft
    big = pdf_upload(content=PDF_BYTES + b"0" * 2048)
    # when / then
    with pytest.raises(ValidationError) as caught:
        services.upload_opt_in_document(opt_in=opt_in, kind="w9", upload=big, actor=admin)
    assert caught.value.messages == [
        "“w9.pdf” is 2 KB; files can be at most 1 KB. Nothing was uploaded."
    ]
    assert not OptInDocument.objects.exists()
    assert _stored_files(private_root) == []


def test_given_valid_w9_when_uploaded_then_stored_privately_with_sanitised_name_and_hash(
    draft, private_root
):
    # given
    opt_in, admin = draft
    # when
    document = services.upload_opt_in_document(
        opt_in=opt_in, kind="w9", upload=pdf_upload(name="../My W-9.pdf"), actor=admin
    )
    # then
    assert document.original_name == "My W-9.pdf"
    assert document.content_type == "application/pdf"
    assert len(document.sha256) == 64
    stored = _stored_files(private_root)
    assert len(stored) == 1
    assert stored[0].name.endswith(".pdf")
    assert "W-9" not in stored[0].name
    assert stored[0].read_bytes() == PDF_BYTES


def test_given_second_w9_when_uploaded_then_replaces_first(draft, private_root):
    # given
    opt_in, admin = draft
    services.upload_opt_in_document(opt_in=opt_in, kind="w9", upload=pdf_upload(), actor=admin)
    # when
    services.upload_opt_in_document(
        opt_in=opt_in, kind="w9", upload=pdf_upload(name="w9-new.pdf"), actor=admin
    )
    # then
    assert list(OptInDocument.objects.values_list("original_name", flat=True)) == ["w9-new.pdf"]
