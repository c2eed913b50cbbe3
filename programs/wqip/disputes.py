"""What WQIP hands to the core's disputes (``disputes.programs``), registered by WqipConfig.

A facility disputes a program year's bed-day count by month or by a member's range of days
(the member ranges of the year's newest finished bed-day computation, which the drill-down's
"Dispute these days" link names), or the per diem or a citation applied. An overturned
bed-day count records a bed-day adjustment; once a finance approver approves it, a
supplemental run of the year's latest per-diem exhibit pays the difference.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Sequence

from django.db import models
from django.db.models import QuerySet

from disputes.models import Determination, Dispute, DisputeItem
from disputes.programs import (
    SOURCE_TYPE,
    Adjustment,
    AdjustmentNotFound,
    DisputeProgram,
    ItemChoice,
    ItemKind,
)
from payments.calculators import PaymentRunError
from payments.models import PaymentRun
from portal.models import Facility, User
from portal.params import id_param
from portal.registry.selectors import visible_facilities
from programs.wqip.models import (
    BedDayAdjustment,
    BedDayComputation,
    BedDayMemberRange,
    BedDayMonth,
    ExhibitKind,
    PerDiemExhibit,
    ProgramYear,
)
from programs.wqip.services import adjustments as wqip_adjustments
from programs.wqip.services import payments as wqip_payments

ADJUSTMENT_TYPE = "wqip.beddayadjustment"
# member ranges offered on a filing (the excluded ones first), besides those already chosen
MAX_MEMBER_RANGES = 300


class WqipDisputeType(models.TextChoices):
    """WQIP's own types of dispute (the core's common ones follow them)."""

    BED_DAY_COUNT = "bed_day_count", "Bed-day count"
    PER_DIEM_APPLIED = "per_diem_applied", "Per diem applied"
    CITATION_ADJUSTMENT = "citation_adjustment", "Citation adjustment"


# --- reads ---------------------------------------------------------------------------------------


def current_computation(program_year: int) -> BedDayComputation | None:
    return (
        BedDayComputation.objects.filter(
            program_year=program_year, status=BedDayComputation.Status.FINISHED
        )
        .order_by("-id")
        .first()
    )


def member_ranges_for(
    *, user: User, facility_id: int | None = None, program_year: int | None = None
) -> QuerySet[BedDayMemberRange]:
    """Member-day ranges the user may see (of the year's current bed-day result, when a year
    is given)."""
    ranges = BedDayMemberRange.objects.filter(facility__in=visible_facilities(user=user))
    if facility_id is not None:
        ranges = ranges.filter(facility_id=facility_id)
    if program_year is not None:
        computation = current_computation(program_year)
        ranges = ranges.filter(computation=computation) if computation else ranges.none()
    return ranges.select_related("computation").order_by("member_id", "first_day")


def dispute_months_for(*, user: User, facility_id: int, program_year: int) -> QuerySet[BedDayMonth]:
    """The facility's bed days per month in the year's current result."""
    computation = current_computation(program_year)
    if computation is None:
        return BedDayMonth.objects.none()
    return BedDayMonth.objects.filter(
        computation=computation,
        facility_id=facility_id,
        facility__in=visible_facilities(user=user),
    ).order_by("month")


def supplemental_exhibit_kind(program_year: int) -> str:
    """The latest exhibit of the year (final once it exists, else interim)."""
    kinds = set(
        PerDiemExhibit.objects.filter(program_year=program_year).values_list("kind", flat=True)
    )
    for kind in (ExhibitKind.FINAL, ExhibitKind.INTERIM):
        if kind in kinds:
            return kind
    raise PaymentRunError(f"no per-diem exhibit for {program_year}")


# --- items -------------------------------------------------------------------------------------


def month_item(month: int) -> ItemChoice:
    return ItemChoice(
        kind=DisputeItem.Kind.MONTH, key=month, label=calendar.month_name[month], month=month
    )


def member_range_item(member_range: BedDayMemberRange) -> ItemChoice:
    """A member's range of days (member ID masked in the label)."""
    return ItemChoice(
        kind=DisputeItem.Kind.MEMBER_DAYS,
        key=member_range.pk,
        label=(
            f"Member •••{member_range.member_id[-4:]}: {member_range.first_day:%d %b %Y} to "
            f"{member_range.last_day:%d %b %Y} ({member_range.days} days, "
            f"{member_range.reason.replace('_', ' ')})"
        ),
        member_id=member_range.member_id,
        first_day=member_range.first_day,
        last_day=member_range.last_day,
        days=member_range.days,
        outcome=member_range.reason,
        facility_id=member_range.facility_id,
        program_year=member_range.first_day.year,
    )


def _day(day: datetime.date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else ""


# --- money outcome -----------------------------------------------------------------------------


def _adjustment(row: BedDayAdjustment) -> Adjustment:
    return Adjustment(
        id=row.pk,
        type=ADJUSTMENT_TYPE,
        dispute_id=id_param(row.source_id) if row.source_type == SOURCE_TYPE else None,
        facility=row.facility,
        program_year=row.program_year,
        quantity=row.days,
        created_by=row.created_by,
        is_approved=row.is_approved,
        is_paid=row.posted_run_id is not None,
    )


def _dispute_adjustments() -> QuerySet[BedDayAdjustment]:
    return BedDayAdjustment.objects.filter(source_type=SOURCE_TYPE).select_related(
        "facility", "created_by"
    )


def _adjustment_row(determination: Determination) -> BedDayAdjustment | None:
    if determination.adjustment_type != ADJUSTMENT_TYPE or determination.adjustment_id is None:
        return None
    return (
        _dispute_adjustments()
        .filter(pk=determination.adjustment_id, source_id=str(determination.dispute_id))
        .first()
    )


class WqipDisputes(DisputeProgram):
    program = "wqip"
    title = "WQIP"
    dispute_types = tuple(WqipDisputeType.choices)
    item_kinds = (
        ItemKind(
            kind=DisputeItem.Kind.MONTH,
            field="months",
            label="Disputed months",
            noun="months",
            help_text="Whole months whose bed days you dispute.",
            prefill_param="month",
            prefill_type=WqipDisputeType.BED_DAY_COUNT,
            max_key=12,
        ),
        ItemKind(
            kind=DisputeItem.Kind.MEMBER_DAYS,
            field="member_ranges",
            label="Disputed member-days",
            noun="member-days",
            help_text="Days the plan excluded, per member (member IDs are masked).",
            prefill_param="member_range",
            prefill_type=WqipDisputeType.BED_DAY_COUNT,
        ),
    )
    itemised_types = (WqipDisputeType.BED_DAY_COUNT,)
    adjustable_types = (WqipDisputeType.BED_DAY_COUNT,)
    adjustment_label = "Bed days to add (bed-day count disputes; negative to remove)"
    adjustment_unit = "bed days"
    adjustment_letter_unit = "qualifying bed days"
    adjustment_name = "Bed-day adjustment"
    adjustment_column = "Days"
    supplemental_run_text = (
        "A supplemental run of the latest exhibit posts the difference; it is approved by a "
        "finance approver other than the person who started it."
    )

    def year_choices(self) -> list[tuple[int, str]]:
        return [(py.year, str(py)) for py in ProgramYear.objects.order_by("-year")]

    def year_label(self, year: int) -> str:
        label = ProgramYear.objects.filter(year=year).values_list("label", flat=True).first()
        return label or str(year)

    def item_choices(
        self,
        *,
        user: User,
        facility_id: int,
        program_year: int,
        kind: str,
        chosen: Sequence[DisputeItem],
    ) -> list[ItemChoice]:
        if kind == DisputeItem.Kind.MONTH:
            return [month_item(month) for month in range(1, 13)]
        if kind != DisputeItem.Kind.MEMBER_DAYS:
            return []
        ranges = member_ranges_for(user=user, facility_id=facility_id, program_year=program_year)
        chosen_keys = {(i.member_id, i.first_day, i.last_day) for i in chosen if i.member_id}
        selected = [
            r.pk
            for r in ranges.filter(member_id__in={key[0] for key in chosen_keys})
            if (r.member_id, r.first_day, r.last_day) in chosen_keys
        ]
        ids = list(ranges.exclude(outcome=0).values_list("pk", flat=True)[:MAX_MEMBER_RANGES])
        return [member_range_item(r) for r in ranges.filter(pk__in=ids + selected)]

    def find_item(self, *, user: User, kind: str, key: int) -> ItemChoice | None:
        if kind == DisputeItem.Kind.MONTH:
            return month_item(key) if 1 <= key <= 12 else None
        if kind == DisputeItem.Kind.MEMBER_DAYS:
            member_range = member_ranges_for(user=user).filter(pk=key).first()
            return member_range_item(member_range) if member_range else None
        return None

    def prefill_sentence(self, item: ItemChoice) -> str:
        if item.kind != DisputeItem.Kind.MEMBER_DAYS:
            return ""
        return (
            f"Disputing the days of member •••{item.member_id[-4:]} from {_day(item.first_day)} "
            f"to {_day(item.last_day)}."
        )

    def filing_panel(self, *, user: User, dispute: Dispute) -> dict[str, object] | None:
        months = dispute_months_for(
            user=user, facility_id=dispute.facility_id, program_year=dispute.program_year
        )
        if not months:
            return None
        return {"template": "wqip/_dispute_bed_day_months.html", "context": {"months": months}}

    def record_adjustment(
        self, *, dispute: Dispute, quantity: int, actor: User, reason: str
    ) -> Adjustment:
        row = wqip_adjustments.record_bed_day_adjustment(
            facility=Facility.objects.get(pk=dispute.facility_id),  # a WQIP dispute's is a SNF
            program_year=dispute.program_year,
            days=quantity,
            reason=reason,
            created_by=actor,
            source_type=SOURCE_TYPE,
            source_id=str(dispute.pk),
        )
        return _adjustment(row)

    def adjustment_of(self, determination: Determination) -> Adjustment | None:
        row = _adjustment_row(determination)
        return _adjustment(row) if row else None

    def approve_adjustment(self, *, determination: Determination, approver: User) -> Adjustment:
        row = _adjustment_row(determination)
        if row is None:
            raise AdjustmentNotFound(f"no bed-day adjustment for {determination.dispute}")
        return _adjustment(
            wqip_adjustments.approve_bed_day_adjustment(adjustment=row, approver=approver)
        )

    def pending_adjustments(self) -> list[Adjustment]:
        return [_adjustment(row) for row in _dispute_adjustments().filter(approved_at__isnull=True)]

    def unpaid_adjustments(self) -> list[Adjustment]:
        rows = _dispute_adjustments().filter(approved_at__isnull=False, posted_run__isnull=True)
        return [_adjustment(row) for row in rows]

    def start_supplemental_run(self, *, dispute: Dispute, actor: User) -> PaymentRun:
        """Rerun the latest exhibit of the dispute's year."""
        year = dispute.program_year
        return wqip_payments.start_payment_run(
            program_year=year, exhibit_kind=supplemental_exhibit_kind(year), started_by=actor
        )
