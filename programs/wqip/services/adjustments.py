"""Bed-day adjustments (contract §2.6): recorded from a dispute determination, approved by
finance."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from payments.services import NotAllowed
from portal.audit.services import (
    record_event,
    record_revision,
)
from portal.models import Facility, Role, User
from programs.wqip.models import (
    BedDayAdjustment,
)

# --- bed-day adjustments (contract §2.6) --------------------------------------------------------


@transaction.atomic
def record_bed_day_adjustment(
    *,
    facility: Facility,
    program_year: int,
    days: int,
    reason: str,
    created_by: User | None,
    source_type: str = "",
    source_id: str = "",
) -> BedDayAdjustment:
    adjustment = BedDayAdjustment.objects.create(
        facility=facility,
        program_year=program_year,
        days=days,
        reason=reason,
        created_by=created_by,
        source_type=source_type,
        source_id=source_id,
    )
    record_event(actor=created_by, action="bed_day_adjustment.recorded", target=adjustment)
    return adjustment


@transaction.atomic
def approve_bed_day_adjustment(*, adjustment: BedDayAdjustment, approver: User) -> BedDayAdjustment:
    adjustment = BedDayAdjustment.objects.select_for_update().get(pk=adjustment.pk)
    if approver.role != Role.FINANCE_APPROVER:
        raise NotAllowed("only a finance approver can approve a bed-day adjustment")
    if adjustment.approved_at is not None:
        return adjustment
    adjustment.approved_by = approver
    adjustment.approved_at = timezone.now()
    adjustment.save(update_fields=["approved_by", "approved_at"])
    record_revision(
        kind="adjustments",
        program_year=adjustment.program_year,
        actor=approver,
        detail=f"adjustment {adjustment.pk}",
    )
    record_event(actor=approver, action="bed_day_adjustment.approved", target=adjustment)
    return adjustment
