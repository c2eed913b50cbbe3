"""Every bed-day rule of contract §2, in one place: the outcome codes, the revenue codes and a
small, obviously-correct Python version of the rules (one entry per day).

Pure Python: no Django, no database. The production pipeline
(``programs.wqip.services.bed_days_sql.run_bed_day_sql``) applies the same rules in set-based
SQL over the claim tables, with the codes defined here; the tests use ``compute_days`` as an
oracle for it on generated data.

Outcome codes: 0 = qualifying, 1.. = the exclusion reasons in §2.5 order (``OUTCOMES``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# contract §2.5 order; also the column order of `export_bed_days --by-reason`
EXCLUSION_REASONS = (
    "facility_ineligible",
    "not_paid",
    "leave_day",
    "medi_cal_not_primary",
    "fee_for_service",
    "hospice",
    "out_of_network",
    "discharge_day",
)
# outcome of a member-facility-day: 0 = qualifying, 1.. = EXCLUSION_REASONS in §2.5 order
OUTCOMES = ("qualifying", *EXCLUSION_REASONS)

ROOM_AND_BOARD_CODES = ("0101", "0190")
LEAVE_CODES = ("0180", "0185")
BED_DAY_CODES = ROOM_AND_BOARD_CODES + LEAVE_CODES

QUALIFYING = 0
FACILITY_INELIGIBLE = OUTCOMES.index("facility_ineligible")
NOT_PAID = OUTCOMES.index("not_paid")
LEAVE_DAY = OUTCOMES.index("leave_day")
MEDI_CAL_NOT_PRIMARY = OUTCOMES.index("medi_cal_not_primary")
FEE_FOR_SERVICE = OUTCOMES.index("fee_for_service")
HOSPICE = OUTCOMES.index("hospice")
OUT_OF_NETWORK = OUTCOMES.index("out_of_network")
DISCHARGE_DAY = OUTCOMES.index("discharge_day")


# --- the reference implementation (pure Python, one entry per day) ---------------------------


@dataclass(frozen=True)
class ClaimVersion:
    claim_id: str
    frequency_code: str  # "1" original, "7" replacement, "8" void
    original_claim_id: str  # "" for an original
    adjudicated_date: datetime.date
    received_date: datetime.date


@dataclass(frozen=True)
class Line:
    claim_id: str
    line_no: int
    member_id: str
    facility_npi: str
    admission_date: datetime.date
    from_date: datetime.date
    through_date: datetime.date
    discharge_date: datetime.date | None
    revenue_code: str  # 4 digits
    primary_payer: str
    coverage: str
    hospice: str
    network_status: str
    claim_status: str


def effective_claim_ids(claims: Iterable[ClaimVersion]) -> set[str]:
    """§2.1: walk down from each original; at a fork the later adjudicated_date wins, then
    the greater claim_id (as text); the end of the path is effective unless it is a void."""
    by_id = {c.claim_id: c for c in claims}
    children: dict[str, list[ClaimVersion]] = {}
    for claim in by_id.values():
        if claim.original_claim_id:
            children.setdefault(claim.original_claim_id, []).append(claim)
    effective = set()
    for claim in by_id.values():
        if claim.original_claim_id:
            continue
        current = claim
        seen = {current.claim_id}
        while children.get(current.claim_id):
            current = max(
                children[current.claim_id], key=lambda c: (c.adjudicated_date, c.claim_id)
            )
            if current.claim_id in seen:  # pragma: no cover - cycles are refused at import
                break
            seen.add(current.claim_id)
        if current.frequency_code != "8":
            effective.add(current.claim_id)
    return effective


def line_reason(line: Line, *, facility_eligible: bool, count_leave_days: bool) -> int:
    """§2.4: the first reason that applies to every day of the line (0 = none)."""
    if not facility_eligible:
        return FACILITY_INELIGIBLE
    if line.claim_status != "PAID":
        return NOT_PAID
    if line.revenue_code in LEAVE_CODES and not count_leave_days:
        return LEAVE_DAY
    if line.primary_payer != "MEDI_CAL":
        return MEDI_CAL_NOT_PRIMARY
    if line.coverage == "FFS":
        return FEE_FOR_SERVICE
    if line.hospice == "Y":
        return HOSPICE
    if line.network_status == "OUT":
        return OUT_OF_NETWORK
    return QUALIFYING


def line_days(
    line: Line, *, facility_eligible: bool, count_leave_days: bool
) -> Iterator[tuple[datetime.date, int]]:
    """§2.3: (day, outcome of this line on that day)."""
    reason = line_reason(
        line, facility_eligible=facility_eligible, count_leave_days=count_leave_days
    )
    last = line.through_date
    discharge = line.discharge_date
    discharge_inside = discharge is not None and line.from_date <= discharge <= line.through_date
    if discharge_inside:
        last = discharge  # type: ignore[assignment]
    day = line.from_date
    while day <= last:
        outcome = reason
        if (
            outcome == QUALIFYING
            and discharge_inside
            and day == discharge
            and discharge != line.admission_date
        ):
            outcome = DISCHARGE_DAY
        yield day, outcome
        day += datetime.timedelta(days=1)


def compute_days(
    claims: Iterable[ClaimVersion],
    lines: Iterable[Line],
    *,
    eligible_npis: set[str],
    year: int,
    count_leave_days: bool = False,
) -> dict[tuple[str, str, datetime.date], int]:
    """§2.5: outcome of every (member_id, facility_npi, day) of the program year."""
    effective = effective_claim_ids(claims)
    days: dict[tuple[str, str, datetime.date], int] = {}
    for line in lines:
        if line.claim_id not in effective or line.revenue_code not in BED_DAY_CODES:
            continue
        for day, outcome in line_days(
            line,
            facility_eligible=line.facility_npi in eligible_npis,
            count_leave_days=count_leave_days,
        ):
            if day.year != year:
                continue
            key = (line.member_id, line.facility_npi, day)
            days[key] = min(days.get(key, outcome), outcome)
    return days


def totals_by_facility(days: dict[tuple[str, str, datetime.date], int]) -> dict[str, list[int]]:
    """facility_npi -> days per outcome (index = outcome code)."""
    totals: dict[str, list[int]] = {}
    for (_, npi, _), outcome in days.items():
        totals.setdefault(npi, [0] * len(OUTCOMES))[outcome] += 1
    return totals
