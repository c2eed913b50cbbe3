"""Rows the home-page panels read, made directly (the panels only read them): payment runs
and lines, disputes in a state, opt-in forms waiting for review or returned, claims imports,
bed-day adjustments. Shared by tests/portal/test_home.py and the apps' panel tests."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone

from disputes.models import Dispute
from disputes.models import Status as DisputeStatus
from payments.models import PaymentLine, PaymentRun
from portal.models import Facility, User
from programs.wqip.disputes import WqipDisputeType
from programs.wqip.models import (
    BedDayAdjustment,
    ClaimImport,
    OptIn,
    OptInVersion,
    ProgramYear,
)


def payment_run(
    *,
    status: str,
    started_by: User | None = None,
    program_year: int = 2024,
    kind: str = "interim",
    posted_at: datetime.datetime | None = None,
) -> PaymentRun:
    return PaymentRun.objects.create(
        program="wqip",
        program_year=program_year,
        kind=kind,
        status=status,
        started_by=started_by,
        inputs_digest=uuid.uuid4().hex,
        posted_at=posted_at or (timezone.now() if status == PaymentRun.Status.POSTED else None),
    )


def payment_line(run: PaymentRun, facility: Facility, *, net: str) -> PaymentLine:
    return PaymentLine.objects.create(
        run=run,
        facility=facility,
        status="payable",
        gross_amount=Decimal(net),
        previously_paid=Decimal("0.00"),
        net_amount=Decimal(net),
        due_date=datetime.date(2025, 6, 30),
    )


def dispute(facility: Facility, filer: User, *, status: str, **fields: object) -> Dispute:
    return Dispute.objects.create(
        facility=facility,
        program="wqip",
        program_year=2025,
        dispute_type=WqipDisputeType.BED_DAY_COUNT,
        status=status,
        filed_by=filer,
        **fields,
    )


def submitted_dispute(facility: Facility, filer: User, *, ack_due: datetime.date) -> Dispute:
    today = timezone.localdate()
    return dispute(
        facility,
        filer,
        status=DisputeStatus.SUBMITTED,
        received_on=today,
        ack_due=ack_due,
        decision_due=today + datetime.timedelta(days=60),
    )


def returned_dispute(facility: Facility, filer: User, *, amend_due: datetime.date) -> Dispute:
    return dispute(facility, filer, status=DisputeStatus.RETURNED, amend_due=amend_due)


def opt_in_with_form(
    facility: Facility,
    *,
    status: str,
    year: int = 2026,
    submitted_days_ago: int = 1,
    assigned_to: User | None = None,
) -> OptIn:
    """An opt-in whose only (web) form version has ``status``."""
    submitted_at = timezone.now() - datetime.timedelta(days=submitted_days_ago)
    opt_in = OptIn.objects.create(
        facility=facility,
        program_year=ProgramYear.objects.get(year=year),
        status=status,
        submitted_at=submitted_at,
        assigned_to=assigned_to,
    )
    OptInVersion.objects.create(opt_in=opt_in, number=1, status=status, submitted_at=submitted_at)
    return opt_in


def claim_import(*, status: str, uploaded_by: User, name: str = "claims.csv") -> ClaimImport:
    return ClaimImport.objects.create(
        file=f"claim_imports/{uuid.uuid4().hex}.csv",
        original_name=name,
        status=status,
        uploaded_by=uploaded_by,
    )


def bed_day_adjustment(facility: Facility, *, approved: bool = False) -> BedDayAdjustment:
    return BedDayAdjustment.objects.create(
        facility=facility,
        program_year=2025,
        days=3,
        reason="Overturned bed-day count",
        approved_at=timezone.now() if approved else None,
    )
