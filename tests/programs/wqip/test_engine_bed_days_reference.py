"""Contract §2 on the bed-day engine's pure Python rules (programs.wqip.engine.bed_days), without
a database: the same cases as test_engine_bed_days, which runs the SQL pipeline."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from programs.wqip.engine.bed_days import (
    DISCHARGE_DAY,
    LEAVE_DAY,
    OUTCOMES,
    QUALIFYING,
    ClaimVersion,
    Line,
    compute_days,
    effective_claim_ids,
    line_days,
    line_reason,
    totals_by_facility,
)

D = datetime.date
NPI = "1000000001"
ORIGINAL = ClaimVersion("C1", "1", "", D(2024, 1, 10), D(2024, 1, 12))
STAY = Line(
    claim_id="C1",
    line_no=1,
    member_id="M1",
    facility_npi=NPI,
    admission_date=D(2024, 3, 1),
    from_date=D(2024, 3, 1),
    through_date=D(2024, 3, 10),
    discharge_date=None,
    revenue_code="0101",
    primary_payer="MEDI_CAL",
    coverage="MCP",
    hospice="N",
    network_status="IN",
    claim_status="PAID",
)


def version(claim_id: str, frequency_code: str, replaces: str, adjudicated: D) -> ClaimVersion:
    return ClaimVersion(claim_id, frequency_code, replaces, adjudicated, adjudicated)


def by_reason(days: dict) -> dict[str, int]:
    totals = totals_by_facility(days).get(NPI, [0] * len(OUTCOMES))
    return {name: count for name, count in zip(OUTCOMES, totals, strict=True) if count}


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        (
            [
                ORIGINAL,
                version("C2", "7", "C1", D(2024, 2, 1)),
                version("C3", "7", "C1", D(2024, 3, 1)),
            ],
            {"C3"},
        ),
        (
            [
                ORIGINAL,
                version("C2", "7", "C1", D(2024, 2, 1)),
                version("C10", "7", "C1", D(2024, 2, 1)),
            ],
            {"C2"},  # equal dates: the greater claim_id as text ("C2" > "C10")
        ),
        (
            [
                ORIGINAL,
                version("C2", "7", "C1", D(2024, 2, 1)),
                version("C3", "7", "C2", D(2024, 1, 1)),
            ],
            {"C3"},
        ),
        ([ORIGINAL, version("C2", "8", "C1", D(2024, 2, 1))], set()),
    ],
    ids=["fork-later-adjudicated", "fork-tie-claim-id-as-text", "chain", "void"],
)
def test_given_claim_family_when_effective_claims_found_then_end_of_winning_path(claims, expected):
    # when
    effective = effective_claim_ids(claims)
    # then
    assert effective == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"claim_status": "DENIED", "primary_payer": "MEDICARE"}, "not_paid"),
        ({"revenue_code": "0180", "primary_payer": "OTHER"}, "leave_day"),
        ({"primary_payer": "MEDICARE", "coverage": "FFS"}, "medi_cal_not_primary"),
        ({"coverage": "FFS", "hospice": "Y"}, "fee_for_service"),
        ({"hospice": "Y", "network_status": "OUT"}, "hospice"),
        ({"network_status": "OUT"}, "out_of_network"),
        ({}, "qualifying"),
    ],
)
def test_given_line_failing_several_rules_when_reason_found_then_first_rule_wins(values, expected):
    # given
    line = dataclasses.replace(STAY, **values)
    # when
    reason = line_reason(line, facility_eligible=True, count_leave_days=False)
    # then
    assert OUTCOMES[reason] == expected


def test_given_ineligible_facility_when_reason_found_then_facility_ineligible_first():
    # given
    line = dataclasses.replace(STAY, claim_status="DENIED")
    # when
    reason = line_reason(line, facility_eligible=False, count_leave_days=False)
    # then
    assert OUTCOMES[reason] == "facility_ineligible"


def test_given_leave_days_counted_when_reason_found_then_leave_line_qualifies():
    # given
    line = dataclasses.replace(STAY, revenue_code="0185")
    # when
    counted = line_reason(line, facility_eligible=True, count_leave_days=True)
    not_counted = line_reason(line, facility_eligible=True, count_leave_days=False)
    # then
    assert (counted, not_counted) == (QUALIFYING, LEAVE_DAY)


@pytest.mark.parametrize(
    ("values", "expected_last_day", "expected_last_outcome"),
    [
        ({"discharge_date": D(2024, 3, 5)}, D(2024, 3, 5), DISCHARGE_DAY),
        ({"discharge_date": D(2024, 3, 11)}, D(2024, 3, 10), QUALIFYING),  # outside the line
        ({"discharge_date": D(2024, 3, 1)}, D(2024, 3, 1), QUALIFYING),  # same-day stay
        ({"revenue_code": "0180", "discharge_date": D(2024, 3, 5)}, D(2024, 3, 5), LEAVE_DAY),
    ],
)
def test_given_discharge_date_when_days_listed_then_line_ends_on_discharge_day(
    values, expected_last_day, expected_last_outcome
):
    # given
    line = dataclasses.replace(STAY, **values)
    # when
    days = list(line_days(line, facility_eligible=True, count_leave_days=False))
    # then
    assert days[0][0] == line.from_date
    assert days[-1] == (expected_last_day, expected_last_outcome)


def test_given_overlapping_lines_and_other_codes_when_computed_then_best_outcome_per_day():
    # given: a denied line under a paid one, a non-bed-day line, a stay across the new year
    lines = [
        dataclasses.replace(STAY, claim_status="DENIED", through_date=D(2024, 3, 15)),
        dataclasses.replace(STAY, line_no=2),
        dataclasses.replace(STAY, line_no=3, revenue_code="0250", from_date=D(2024, 4, 1)),
        dataclasses.replace(STAY, line_no=4, from_date=D(2024, 12, 30), through_date=D(2025, 1, 2)),
    ]
    # when
    days = compute_days([ORIGINAL], lines, eligible_npis={NPI}, year=2024)
    # then: March 1-10 qualify, 11-15 are not paid, the new year's days are not 2024's
    assert by_reason(days) == {"qualifying": 12, "not_paid": 5}


def test_given_replaced_claim_when_computed_then_only_effective_version_counts():
    # given
    replacement = version("C2", "7", "C1", D(2024, 2, 1))
    lines = [STAY, dataclasses.replace(STAY, claim_id="C2", through_date=D(2024, 3, 3))]
    # when
    days = compute_days([ORIGINAL, replacement], lines, eligible_npis={NPI}, year=2024)
    # then
    assert by_reason(days) == {"qualifying": 3}
