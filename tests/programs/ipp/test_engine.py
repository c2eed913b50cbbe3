"""The IPP rules of the domain guide (§3) with figures computed by hand in the comments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from programs.ipp import engine
from programs.ipp.engine import MeasureInput, Tier

D = Decimal


def test_illustration_850_of_1000_points_of_10m_earns_8_5m() -> None:
    # guide: allocation $10 M, 850 of 1,000 points -> $10,000,000 x 850 / 1,000 = $8,500,000.00
    measures = [
        MeasureInput("A", D("500"), met=True),
        MeasureInput("B", D("350"), met=True),
        MeasureInput("C", D("150"), met=False),
    ]
    earned = engine.earned_amount(allocation=D("10000000"), measures=measures)
    assert earned.points_earned == D("850")
    assert earned.points_available == D("1000")
    assert earned.amount == D("8500000.00")


def test_illustration_payment_1_of_4m_earned_3_2m_returns_0_8m() -> None:
    # guide: Payment 1 $4 M paid on an interim basis, $3.2 M earned -> $800,000.00 goes back
    rec = engine.reconcile_interim(interim_paid=D("4000000.00"), earned=D("3200000.00"))
    assert rec.to_return == D("800000.00")
    assert rec.still_owed == D("0.00")
    # netted from Payment 2 in full: nothing left to return
    assert engine.outstanding_return(to_return=rec.to_return, settled=[D("800000.00")]) == D("0.00")
    assert engine.outstanding_return(to_return=rec.to_return, settled=[D("300000")]) == D(
        "500000.00"
    )


def test_earned_is_rounded_half_up_once() -> None:
    # $1,000,000 x 2 / 3 = 666,666.666... -> 666,666.67 ; x 1/3 = 333,333.333... -> 333,333.33
    two_thirds = [MeasureInput("A", D("2"), met=True), MeasureInput("B", D("1"), met=False)]
    one_third = [MeasureInput("A", D("2"), met=False), MeasureInput("B", D("1"), met=True)]
    assert engine.earned_amount(allocation=D("1000000"), measures=two_thirds).amount == D(
        "666666.67"
    )
    assert engine.earned_amount(allocation=D("1000000"), measures=one_third).amount == D(
        "333333.33"
    )
    # $0.05 x 1 / 2 = 0.025 -> 0.03 (half-up, not banker's 0.02)
    half = [MeasureInput("A", D("1"), met=True), MeasureInput("B", D("1"), met=False)]
    assert engine.earned_amount(allocation=D("0.05"), measures=half).amount == D("0.03")


def test_tiered_measure_earns_its_tier() -> None:
    # tiers Full 100 / Partial 60 of 100 points; credited Partial: 60 + 100 (other measure met)
    # = 160 of 200 -> $1,000,000 x 160 / 200 = $800,000.00
    tiered = MeasureInput(
        "T", D("100"), tiers=(Tier("Full", D("100")), Tier("Partial", D("60"))), tier="Partial"
    )
    assert engine.points_earned(tiered) == D("60")
    other = MeasureInput("O", D("100"), met=True)
    assert engine.earned_amount(allocation=D("1000000"), measures=[tiered, other]).amount == D(
        "800000.00"
    )
    with pytest.raises(engine.MeasureError, match="no tier 'Most'"):
        engine.points_earned(
            MeasureInput("T", D("100"), tiers=(Tier("Full", D("100")),), tier="Most")
        )
    assert engine.check_measure(MeasureInput("T", D("100"), tiers=(Tier("Over", D("120")),))) == [
        "measure T: tier 'Over' gives 120 points, outside 0 to 100"
    ]


def test_not_applicable_measure_earns_nothing_and_is_not_available() -> None:
    # 600 points met, 400 not applicable -> 600 of 600 -> the whole $1,000,000.00
    measures = [
        MeasureInput("A", D("600"), met=True),
        MeasureInput("NA", D("400"), applicable=False, met=True),
    ]
    earned = engine.earned_amount(allocation=D("1000000"), measures=measures)
    assert earned.points_available == D("600")
    assert earned.points_earned == D("600")
    assert earned.amount == D("1000000.00")


def test_cap_warning_above_5_percent_of_attributable_capitation() -> None:
    # capitation $100,000,000 -> limit $5,000,000.00; $5,000,000.01 exceeds it, $5 M does not
    assert engine.cap_check(incentives=D("5000000.01"), capitation=D("100000000")).exceeded
    at_limit = engine.cap_check(incentives=D("5000000.00"), capitation=D("100000000"))
    assert at_limit.limit == D("5000000.00")
    assert not at_limit.exceeded
    assert at_limit.share == D("5.00")
    assert not engine.cap_check(incentives=D("9"), capitation=None).exceeded


def test_py1_split_20_20_30_plus_30_to_gap_filling_areas_is_allowed() -> None:
    assert (
        engine.check_py1_split(
            shares={1: D("20"), 2: D("20"), 3: D("45"), 4: D("15")},
            gap_filling_areas=[3, 4],
            has_community_supports=True,
        )
        == []
    )


def test_py1_split_below_a_minimum_is_refused() -> None:
    errors = engine.check_py1_split(
        shares={1: D("15"), 2: D("25"), 3: D("30"), 4: D("30")},
        gap_filling_areas=[2, 4],
        has_community_supports=True,
    )
    assert errors == ["area 1: 15% is below the PY1 minimum of 20%"]


def test_py1_split_above_minimum_outside_gap_filling_plan_is_refused() -> None:
    errors = engine.check_py1_split(
        shares={1: D("50"), 2: D("20"), 3: D("30"), 4: D("0")},
        gap_filling_areas=[4],
        has_community_supports=True,
    )
    assert errors == [
        "area 1: 30% above the minimum goes to an area the Gap-Filling Plan did not choose "
        "(chosen: 4)"
    ]


def test_no_area_3_share_without_community_supports() -> None:
    errors = engine.check_py1_split(
        shares={1: D("20"), 2: D("20"), 3: D("30"), 4: D("30")},
        gap_filling_areas=[4],
        has_community_supports=False,
    )
    assert errors[0] == (
        "area 3: the plan offers no Community Supports, so it has no area-3 share "
        "(it holds 30%; the 30% is forfeit)"
    )
    assert "the shares add up to 100%, not 70%" in errors
    # without an area-3 share the other areas hold 70%: allowed, the 30% is forfeit
    assert (
        engine.check_py1_split(
            shares={1: D("20"), 2: D("20"), 3: D("0"), 4: D("30")},
            gap_filling_areas=[4],
            has_community_supports=False,
        )
        == []
    )


@given(
    allocation=st.decimals(min_value=0, max_value=10**9, places=2),
    points=st.lists(st.integers(min_value=1, max_value=500), min_size=1, max_size=8),
    met=st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_earned_never_exceeds_allocation(
    allocation: Decimal, points: list[int], met: list[bool]
) -> None:
    measures = [MeasureInput(str(i), D(p), met=met[i]) for i, p in enumerate(points)]
    amount = engine.earned_amount(allocation=allocation, measures=measures).amount
    assert D("0") <= amount <= allocation
    if all(met[: len(points)]):
        assert amount == allocation
