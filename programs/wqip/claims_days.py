"""WQIP offers its bed days per facility and month to the core's claims-days registry
(portal.registry.claims_days), for other programs' prefill (QAF's monthly declaration)."""

from __future__ import annotations

import datetime

from portal.registry.claims_days import ClaimsDays
from programs.wqip.models import BedDayComputation, BedDayMonth

# Reading [A]: the plan's Medi-Cal resident days of a month = qualifying days plus the days
# excluded for a reason that still means a resident in a bed that day; the discharge day is
# not a resident day (a census counts residents at midnight)
RESIDENT_DAY_FIELDS = (
    "qualifying_days",
    "facility_ineligible",
    "not_paid",
    "leave_day",
    "medi_cal_not_primary",
    "fee_for_service",
    "hospice",
    "out_of_network",
)


def wqip_claims_days(facility_id: int, month: datetime.date) -> ClaimsDays | None:
    computation = (
        BedDayComputation.objects.filter(
            program_year=month.year, status=BedDayComputation.Status.FINISHED
        )
        .order_by("-finished_at", "-pk")
        .first()
    )
    if computation is None:
        return None
    row = BedDayMonth.objects.filter(
        computation=computation, facility_id=facility_id, month=month.month
    ).first()
    if row is None:
        return None
    finished = computation.finished_at
    when = f", computed {finished:%Y-%m-%d}" if finished else ""
    return ClaimsDays(
        days=sum(getattr(row, name) for name in RESIDENT_DAY_FIELDS),
        source=f"WQIP bed days {month.year}{when}",
    )
