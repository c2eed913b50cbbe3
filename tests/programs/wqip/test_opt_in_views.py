"""Opt-in pages: row visibility (404), uploads through the form, PDF copy, review actions."""

from __future__ import annotations

from pathlib import PurePath

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.models import Role
from programs.wqip.models import (
    OptIn,
    OptInDocument,
)
from programs.wqip.services import opt_in as services
from programs.wqip.services import opt_in_review
from tests.factories import FacilityFactory, UserFactory
from tests.programs.wqip.opt_in_helpers import (
    EXE_BYTES,
    PDF_BYTES,
    facility_user,
    open_window,
    program_year,
    submitted_opt_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def liaison():
    user = UserFactory.create(role=Role.LTSS_LIAISON)
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def draft():
    facility = FacilityFactory.create()
    admin = facility_user(facility)
    opt_in = services.start_opt_in(
        facility=facility, program_year=open_window(program_year()), actor=admin
    )
    return opt_in, admin


def test_given_other_facility_user_when_opening_opt_in_document_or_pdf_then_404(client):
    # given
    opt_in, _ = submitted_opt_in()
    document = OptInDocument.objects.get(version__opt_in=opt_in)
    outsider = facility_user(FacilityFactory.create(), role=Role.FACILITY_ADMIN)
    client.force_login(outsider)
    # when
    responses = [
        client.get(reverse("wqip:opt_in_detail", args=[opt_in.pk])),
        client.get(reverse("wqip:opt_in_document_download", args=[document.pk])),
        client.get(reverse("wqip:opt_in_pdf", args=[opt_in.pk])),
        client.get(reverse("wqip:opt_in_step", args=[opt_in.pk, "contacts"])),
    ]
    # then
    assert [r.status_code for r in responses] == [404, 404, 404, 404]


def test_given_member_when_downloading_document_then_attachment_with_original_name(client):
    # given
    opt_in, admin = submitted_opt_in()
    document = OptInDocument.objects.get(version__opt_in=opt_in)
    client.force_login(admin)
    # when
    response = client.get(reverse("wqip:opt_in_document_download", args=[document.pk]))
    # then
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="w9.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES


POLYGLOT_BYTES = b"%PDF-1.4 <script>alert(1)</script>"


def test_given_pdf_named_html_when_uploaded_and_downloaded_then_stored_and_served_as_pdf(
    client, draft, private_root
):
    # given: a PDF/HTML polyglot under an .html name
    opt_in, admin = draft
    client.force_login(admin)
    # when
    client.post(
        reverse("wqip:opt_in_step", args=[opt_in.pk, "documents"]),
        {"kind": "other", "file": SimpleUploadedFile("poly.html", POLYGLOT_BYTES), "upload": "1"},
    )
    document = OptInDocument.objects.get()
    response = client.get(reverse("wqip:opt_in_document_download", args=[document.pk]))
    # then: a generated name with the detected extension; the download is a PDF attachment
    stored = PurePath(document.stored_name).name
    assert stored.endswith(".pdf")
    assert "poly" not in stored
    assert "html" not in stored
    assert [p.name for p in private_root.rglob("*") if p.is_file()] == [stored]
    assert document.original_name == "poly.html"
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="poly.html.pdf"'


def test_given_row_stored_under_its_uploaded_name_when_downloaded_then_still_served_as_pdf(
    client, draft
):
    # given: a row from before names were generated, its file under the uploaded name
    opt_in, admin = draft
    storage = OptInDocument._meta.get_field("file").storage
    name = storage.save(f"opt_ins/{opt_in.pk}/poly.html", ContentFile(POLYGLOT_BYTES))
    document = OptInDocument.objects.create(
        version=opt_in.versions.get(),
        kind=OptInDocument.Kind.OTHER,
        file=name,
        original_name="poly.html",
        content_type="application/pdf",
        size=len(POLYGLOT_BYTES),
        sha256="0" * 64,
        uploaded_by=admin,
    )
    client.force_login(admin)
    # when
    response = client.get(reverse("wqip:opt_in_document_download", args=[document.pk]))
    # then
    assert b"".join(response.streaming_content) == POLYGLOT_BYTES
    assert response["Content-Disposition"] == 'attachment; filename="poly.html.pdf"'


def test_given_disguised_executable_when_uploaded_through_form_then_error_summary_and_no_row(
    client, draft, private_root
):
    # given
    opt_in, admin = draft
    client.force_login(admin)
    # when
    response = client.post(
        reverse("wqip:opt_in_step", args=[opt_in.pk, "documents"]),
        {"kind": "w9", "file": SimpleUploadedFile("w9.pdf", EXE_BYTES), "upload": "Upload"},
    )
    # then
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    assert b'href="#id_file"' in response.content
    assert not OptInDocument.objects.exists()
    assert not private_root.exists() or not any(p.is_file() for p in private_root.rglob("*"))


def test_given_oversized_file_when_uploaded_through_form_then_clear_message_and_nothing_stored(
    client, draft, private_root, settings
):
    # given
    settings.WQIP_UPLOAD_MAX_BYTES = 100
    opt_in, admin = draft
    client.force_login(admin)
    # when
    response = client.post(
        reverse("wqip:opt_in_step", args=[opt_in.pk, "documents"]),
        {"kind": "w9", "file": SimpleUploadedFile("big.pdf", PDF_BYTES * 10)},
    )
    # then
    assert response.status_code == 400
    assert "files can be at most 100 bytes. Nothing was uploaded." in response.content.decode()
    assert not OptInDocument.objects.exists()
    assert not private_root.exists() or not any(p.is_file() for p in private_root.rglob("*"))


def _draft_document(opt_in, admin) -> OptInDocument:
    return services.upload_opt_in_document(
        opt_in=opt_in,
        kind="w9",
        upload=SimpleUploadedFile("w9.pdf", PDF_BYTES),
        actor=admin,
    )


def test_given_document_when_removed_through_page_then_gone(client, draft):
    # given
    opt_in, admin = draft
    document = _draft_document(opt_in, admin)
    client.force_login(admin)
    # when
    response = client.post(
        reverse("wqip:opt_in_step", args=[opt_in.pk, "documents"]), {"remove": document.pk}
    )
    # then
    assert response.status_code == 302
    assert not OptInDocument.objects.filter(pk=document.pk).exists()


@pytest.mark.parametrize("remove", ["abc", "²", "9" * 5000, "-1", "0", "99999999999999999999"])
def test_given_document_when_remove_names_no_document_id_then_404_and_document_kept(
    client, draft, remove
):
    # given
    opt_in, admin = draft
    document = _draft_document(opt_in, admin)
    client.force_login(admin)
    # when
    response = client.post(
        reverse("wqip:opt_in_step", args=[opt_in.pk, "documents"]), {"remove": remove}
    )
    # then
    assert response.status_code == 404
    assert OptInDocument.objects.filter(pk=document.pk).exists()


def test_given_signer_step_with_missing_fields_when_posted_then_errors_linked_to_fields(
    client, draft
):
    # given
    opt_in, admin = draft
    client.force_login(admin)
    # when
    response = client.post(
        reverse("wqip:opt_in_step", args=[opt_in.pk, "signer"]), {"signer_name": "Ana"}
    )
    # then
    assert response.status_code == 400
    assert b'href="#id_signer_email"' in response.content


def test_given_signer_step_when_valid_then_saved_and_next_step(client, draft):
    # given
    opt_in, admin = draft
    client.force_login(admin)
    data = {
        "signer_name": "Ana Reyes",
        "signer_title": "Administrator",
        "signer_email": "ana@example.test",
        "signer_phone": "555-0100",
    }
    # when
    response = client.post(reverse("wqip:opt_in_step", args=[opt_in.pk, "signer"]), data)
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("wqip:opt_in_step", args=[opt_in.pk, "payee"])
    version = services.working_version(opt_in)
    assert version is not None
    assert version.signer_email == "ana@example.test"


def test_given_facility_staff_when_posting_submit_then_403_and_nothing_changes(client, draft):
    # given
    opt_in, _ = draft
    staff = facility_user(opt_in.facility, role=Role.FACILITY_STAFF)
    client.force_login(staff)
    # when
    response = client.post(
        reverse("wqip:opt_in_submit", args=[opt_in.pk]),
        {"attestation": "on", "typed_name": "Staff"},
    )
    # then
    assert response.status_code == 403
    opt_in.refresh_from_db()
    assert opt_in.status == OptIn.Status.DRAFT


def test_given_submitted_opt_in_when_pdf_requested_then_pdf_attachment(client):
    # given
    opt_in, admin = submitted_opt_in()
    client.force_login(admin)
    # when
    response = client.get(reverse("wqip:opt_in_pdf", args=[opt_in.pk]))
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]


def test_given_liaison_when_returning_without_comments_then_error_and_status_unchanged(
    client, liaison
):
    # given
    opt_in, _ = submitted_opt_in()
    opt_in_review.start_opt_in_review(opt_in=opt_in, reviewer=liaison)
    client.force_login(liaison)
    # when
    response = client.post(
        reverse("wqip:opt_in_review", args=[opt_in.pk]),
        {"decision": "return", "comments": "", "decide": "Record decision"},
    )
    # then
    assert response.status_code == 400
    assert b'href="#id_comments"' in response.content
    opt_in.refresh_from_db()
    assert opt_in.status == OptIn.Status.UNDER_REVIEW


def test_given_queue_when_filtered_by_county_then_only_that_county(client, liaison):
    # given
    fresno, _ = submitted_opt_in(FacilityFactory.create(county="Fresno", name="Fresno Care"))
    submitted_opt_in(FacilityFactory.create(county="Kern", name="Kern Care"))
    client.force_login(liaison)
    # when
    response = client.get(reverse("wqip:opt_in_queue"), {"county": "Fresno"})
    # then
    assert response.status_code == 200
    assert [row.pk for row in response.context["queue"]] == [fresno.pk]


def test_given_liaison_when_granting_extension_then_recorded(client, liaison):
    # given
    facility = FacilityFactory.create()
    py = program_year(2025)
    client.force_login(liaison)
    # when
    response = client.post(
        reverse("wqip:opt_in_extension", args=[facility.pk, 2025]),
        {"closes_on": "2025-08-15", "reason": "Fire evacuation"},
    )
    # then
    assert response.status_code == 302
    assert str(services.submission_closes_on(facility=facility, program_year=py)) == "2025-08-15"


def test_given_approved_opt_in_when_contacts_changed_through_page_then_at_once(client, liaison):
    # given
    opt_in, admin = submitted_opt_in()
    opt_in_review.start_opt_in_review(opt_in=opt_in, reviewer=liaison)
    opt_in_review.approve_opt_in(opt_in=opt_in, reviewer=liaison)
    client.force_login(admin)
    # when
    response = client.post(
        reverse("wqip:opt_in_step", args=[opt_in.pk, "contacts"]),
        {"contact_1_name": "Di Wu", "contact_1_email": "di@example.test"},
    )
    # then
    assert response.status_code == 302
    assert list(opt_in.report_contacts.values_list("name", flat=True)) == ["Di Wu"]
    assert opt_in.versions.count() == 1


def test_given_approved_opt_in_when_amendment_started_through_page_then_new_draft_version(
    client, liaison
):
    # given
    opt_in, admin = submitted_opt_in()
    opt_in_review.start_opt_in_review(opt_in=opt_in, reviewer=liaison)
    opt_in_review.approve_opt_in(opt_in=opt_in, reviewer=liaison)
    client.force_login(admin)
    # when
    response = client.post(
        reverse("wqip:opt_in_amend", args=[opt_in.pk]), {"reason": "New payee from July"}
    )
    # then
    assert response.status_code == 302
    assert list(opt_in.versions.values_list("number", "status")) == [
        (2, "draft"),
        (1, "approved"),
    ]


def test_given_ineligible_facility_when_listing_then_no_start_link(client):
    # given
    from portal.models import FacilityType

    facility = FacilityFactory.create(facility_type=FacilityType.NF_DISTINCT_PART)
    client.force_login(facility_user(facility))
    # when
    response = client.get(reverse("wqip:opt_in_list"))
    # then
    assert response.status_code == 200
    assert b"Not WQIP-eligible" in response.content
    assert b"Start PY" not in response.content


def test_given_review_waiting_over_ten_working_days_when_overdue_filter_then_listed(
    client, liaison
):
    # given
    import datetime

    from django.utils import timezone

    late, _ = submitted_opt_in(FacilityFactory.create(name="Late Care"))
    submitted_opt_in(FacilityFactory.create(name="Fresh Care"))
    late.versions.update(submitted_at=timezone.now() - datetime.timedelta(days=20))
    client.force_login(liaison)
    # when
    response = client.get(reverse("wqip:opt_in_queue"), {"overdue": "on"})
    # then
    assert [row.pk for row in response.context["queue"]] == [late.pk]
    assert b"Overdue" in response.content
