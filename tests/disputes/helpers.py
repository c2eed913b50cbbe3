"""Builders for dispute tests (plain functions, usable from the matrix and the browser test)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from disputes.models import Dispute, Note, Outcome
from disputes.services import case_work, determination, filing, notes
from payments import services as payments_services
from payments.models import PaymentRun
from portal.audit.services import latest_revision_id
from portal.models import (
    Facility,
    Role,
    User,
)
from programs.wqip.disputes import WqipDisputeType, month_item
from programs.wqip.models import (
    BedDayAdjustment,
    BedDayComputation,
    BedDayMemberRange,
    BedDayMonth,
    BedDaySummary,
    OptIn,
    PerDiem,
    PerDiemExhibit,
    ProgramYear,
)
from programs.wqip.services import payments as wqip_payments
from tests.factories import OptInFactory, UserFactory

YEAR = 2025
PER_DIEM = Decimal("20.0000")
QUALIFYING_DAYS = 100
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
INTERNAL_SECRET = "INTERNAL-ONLY the facility must never read this"


def program_year(year: int = YEAR) -> ProgramYear:
    return ProgramYear.objects.get(year=year)


@dataclass
class PaidFacility:
    facility: Facility
    run: PaymentRun
    member_range: BedDayMemberRange
    month: BedDayMonth


def _computation(year: int) -> BedDayComputation:
    return BedDayComputation.objects.filter(
        program_year=year, status=BedDayComputation.Status.FINISHED
    ).first() or BedDayComputation.objects.create(
        program_year=year,
        status=BedDayComputation.Status.FINISHED,
        finished_at=timezone.now(),
        revision_id=latest_revision_id(program_year=year),
    )


def paid_facility(
    facility: Facility, *, analyst: User | None = None, approver: User | None = None
) -> PaidFacility:
    """The facility is opted in for 2025 with 100 qualifying days, an excluded member range
    (3 days, not_paid) and an interim run posted ($2,000.00)."""
    OptInFactory.create(
        facility=facility, program_year=program_year(), status=OptIn.Status.APPROVED
    )
    computation = _computation(YEAR)
    BedDaySummary.objects.update_or_create(
        facility=facility,
        program_year=YEAR,
        defaults={"computation": computation, "qualifying_days": QUALIFYING_DAYS, "not_paid": 3},
    )
    month = BedDayMonth.objects.create(
        computation=computation,
        facility=facility,
        program_year=YEAR,
        month=3,
        qualifying_days=28,
        not_paid=3,
    )
    member_range = BedDayMemberRange.objects.create(
        computation=computation,
        facility=facility,
        member_id="MEMBER00012345",
        outcome=2,  # not_paid
        first_day=datetime.date(YEAR, 3, 10),
        last_day=datetime.date(YEAR, 3, 12),
        days=3,
    )
    exhibit, _ = PerDiemExhibit.objects.get_or_create(
        program_year=YEAR,
        kind="interim",
        defaults={"received_on": datetime.date(2026, 5, 12), "imported_at": timezone.now()},
    )
    PerDiem.objects.create(exhibit=exhibit, facility=facility, per_diem=PER_DIEM)
    analyst = analyst or UserFactory.create(role=Role.FINANCE_ANALYST)
    approver = approver or UserFactory.create(role=Role.FINANCE_APPROVER)
    run = wqip_payments.start_payment_run(
        program_year=YEAR, exhibit_kind="interim", started_by=analyst
    )
    run = payments_services.approve_payment_run(run=run, approver=approver)
    return PaidFacility(facility=facility, run=run, member_range=member_range, month=month)


def complete_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "report_reference": "PY3 interim report",
        "plan_action_on": timezone.localdate() - datetime.timedelta(days=10),
        "explanation": "Three days in March were paid claims but counted as not paid.",
        "amount_sought": Decimal("60.00"),
        "contact_name": "Sam Staff",
        "contact_email": "sam@example.test",
    }
    fields.update(overrides)
    return fields


def draft_dispute(
    *,
    facility: Facility,
    filer: User,
    dispute_type: str = WqipDisputeType.BED_DAY_COUNT,
    **fields: Any,
) -> Dispute:
    return filing.create_dispute_draft(
        facility=facility,
        program="wqip",
        program_year=YEAR,
        dispute_type=dispute_type,
        filed_by=filer,
        items=[month_item(3)],
        **complete_fields(**fields),
    )


def submitted_dispute(*, facility: Facility, filer: User, **fields: Any) -> Dispute:
    dispute = draft_dispute(facility=facility, filer=filer, **fields)
    return filing.submit_dispute(dispute=dispute, actor=filer)


def under_review(*, facility: Facility, filer: User, liaison: User) -> Dispute:
    dispute = submitted_dispute(facility=facility, filer=filer)
    return case_work.start_review(dispute=dispute, actor=liaison)


def determined(
    *, facility: Facility, filer: User, liaison: User, days: int = 3, **kwargs: Any
) -> Dispute:
    dispute = under_review(facility=facility, filer=filer, liaison=liaison)
    determination.determine_dispute(
        dispute=dispute,
        actor=liaison,
        outcome=Outcome.PARTIALLY_OVERTURNED,
        reasoning="Two of the three days were paid; one was a discharge day.",
        amount=Decimal("40.00"),
        adjustment_quantity=days,
    )
    dispute.refresh_from_db()
    return dispute


def bed_day_adjustment(dispute: Dispute) -> BedDayAdjustment:
    """The bed-day adjustment WQIP recorded for the dispute's determination."""
    adjustment_id = dispute.determination.adjustment_id
    assert adjustment_id is not None, "the determination made no adjustment"
    return BedDayAdjustment.objects.get(pk=adjustment_id)


def add_internal_note(dispute: Dispute, author: User) -> Note:
    return notes.add_note(
        dispute=dispute, author=author, body=INTERNAL_SECRET, visibility=Note.Visibility.INTERNAL
    )


def pdf_upload(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")
