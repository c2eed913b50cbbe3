"""Builders for opt-in tests (plain functions, so no conftest is shared with other work)."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.models import (
    Facility,
    Role,
    User,
)
from programs.wqip.models import (
    OptIn,
    OptInDocument,
    ProgramYear,
)
from programs.wqip.services import opt_in as services
from programs.wqip.services import opt_in_review
from tests.factories import FacilityFactory, UserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64

SIGNER = {
    "signer_name": "Ana Reyes",
    "signer_title": "Administrator",
    "signer_email": "ana.reyes@example.test",
    "signer_phone": "555-0100",
}
PAYEE = {
    "payee_legal_name": "Sunrise Care LLC",
    "payee_tin": "123456789",
    "remittance_address": "1 Main St\nFresno CA 93701",
    "remittance_contact_name": "Bo Lee",
    "remittance_contact_email": "bo.lee@example.test",
    "remittance_contact_phone": "",
}


def program_year(year: int = 2026) -> ProgramYear:
    # get_or_create: a transactional (live-server) test may have flushed the seeded rows
    return ProgramYear.objects.get_or_create(year=year, defaults={"label": f"PY{year - 2022}"})[0]


def open_window(py: ProgramYear) -> ProgramYear:
    today = timezone.localdate()
    py.opt_in_opens_on = today - datetime.timedelta(days=10)
    py.opt_in_closes_on = today + datetime.timedelta(days=10)
    py.save()
    return py


def close_window(py: ProgramYear) -> ProgramYear:
    today = timezone.localdate()
    py.opt_in_opens_on = today - datetime.timedelta(days=30)
    py.opt_in_closes_on = today - datetime.timedelta(days=1)
    py.save()
    return py


def facility_user(facility: Facility, role: str = Role.FACILITY_ADMIN, **kwargs: object) -> User:
    return UserFactory.create(role=role, facilities=[facility], **kwargs)


def pdf_upload(name: str = "w9.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def complete_draft(opt_in: OptIn, actor: User) -> OptIn:
    services.save_opt_in_section(opt_in=opt_in, actor=actor, data=SIGNER)
    services.save_opt_in_section(opt_in=opt_in, actor=actor, data=PAYEE)
    services.replace_report_contacts(
        opt_in=opt_in, actor=actor, contacts=[{"name": "Cy Ko", "email": "cy@example.test"}]
    )
    services.save_opt_in_section(
        opt_in=opt_in,
        actor=actor,
        data={"webinar_1_on": datetime.date(2026, 5, 1), "webinar_2_on": datetime.date(2026, 6, 1)},
    )
    services.accept_opt_in_terms(opt_in=opt_in, actor=actor)
    services.upload_opt_in_document(
        opt_in=opt_in, kind=OptInDocument.Kind.W9, upload=pdf_upload(), actor=actor
    )
    return opt_in


def submitted_opt_in(
    facility: Facility | None = None, py: ProgramYear | None = None
) -> tuple[OptIn, User]:
    facility = facility or FacilityFactory.create()
    py = open_window(py or program_year())
    admin = facility_user(facility)
    opt_in = services.start_opt_in(facility=facility, program_year=py, actor=admin)
    complete_draft(opt_in, admin)
    opt_in_review.submit_opt_in(
        opt_in=opt_in, actor=admin, typed_name="Ana Reyes", attestation_accepted=True
    )
    opt_in.refresh_from_db()
    return opt_in, admin
