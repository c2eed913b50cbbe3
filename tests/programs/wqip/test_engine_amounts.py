"""Contract §4 arithmetic: half-up rounding once at the end, statuses, due dates."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from programs.wqip.engine import amounts


@pytest.mark.parametrize(
    ("days", "per_diem", "factor", "expected"),
    [
        (167, "19.8750", "1", "3319.13"),  # 3319.125 half-up (half-even gives 3319.12)
        (65, "21.0750", "0.60", "821.93"),  # 821.925
        (24, "21.1875", "0.60", "305.10"),  # rounding the per diem first would give 305.14
        (167, "20.1250", "1", "3360.88"),
        (1, "0.0050", "1", "0.01"),
        (3, "22.3333", "0.20", "13.40"),  # 13.39998
        (30, "18.7500", "0", "0.00"),
    ],
)
def test_given_days_per_diem_factor_when_gross_computed_then_rounded_half_up_once(
    days, per_diem, factor, expected
):
    # when
    gross = amounts.gross_amount(
        status=amounts.PAYABLE,
        qualifying_bed_days=days,
        per_diem=Decimal(per_diem),
        factor=Decimal(factor),
    )
    # then
    assert gross == Decimal(expected)
    assert str(gross) == expected


@pytest.mark.parametrize("status", [amounts.FACILITY_INELIGIBLE, amounts.NOT_OPTED_IN])
def test_given_not_payable_when_gross_computed_then_zero(status):
    gross = amounts.gross_amount(
        status=status, qualifying_bed_days=100, per_diem=Decimal("20"), factor=Decimal("1")
    )
    assert gross == Decimal("0.00")


@pytest.mark.parametrize(
    ("eligible", "opted_in", "expected"),
    [
        (False, True, "facility_ineligible"),
        (False, False, "facility_ineligible"),
        (True, False, "not_opted_in"),
        (True, True, "payable"),
    ],
)
def test_given_eligibility_and_opt_in_when_status_decided_then_first_rule_wins(
    eligible, opted_in, expected
):
    assert amounts.line_status(is_eligible=eligible, is_opted_in=opted_in) == expected


def test_given_gross_below_previously_paid_when_net_computed_then_negative_recoupment():
    net = amounts.net_amount(gross=Decimal("0.00"), previously_paid=Decimal("555.00"))
    assert net == Decimal("-555.00")


def test_given_equal_amounts_when_net_computed_then_zero_without_sign():
    net = amounts.net_amount(gross=Decimal("-0.00"), previously_paid=Decimal("0.00"))
    assert str(net) == "0.00"


@pytest.mark.parametrize(
    ("received", "latest_claim", "expected"),
    [
        ("2025-05-12", None, "2025-06-26"),
        ("2025-05-12", "2025-06-20", "2025-07-20"),
        ("2025-05-12", "2025-05-27", "2025-06-26"),  # +30 = 06-26: equal, either way
        ("2025-05-12", "2025-05-28", "2025-06-27"),
        ("2025-12-29", "2025-06-20", "2026-02-12"),
        ("2024-01-15", "2024-01-31", "2024-03-01"),  # leap year
    ],
)
def test_given_exhibit_and_claim_dates_when_due_date_computed_then_later_of_both(
    received, latest_claim, expected
):
    due = amounts.due_date(
        exhibit_received_on=datetime.date.fromisoformat(received),
        latest_qualifying_received_on=(
            datetime.date.fromisoformat(latest_claim) if latest_claim else None
        ),
    )
    assert due == datetime.date.fromisoformat(expected)
