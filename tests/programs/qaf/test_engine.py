"""The QAF rules of the domain guide (§1) with figures computed by hand in the comments."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from programs.qaf import engine
from programs.qaf.engine import Payment, QuarterInput, RateYear, Tier, TierBasis

D = datetime.date

RATE_2017_18 = RateYear(
    "2017-18", D(2017, 8, 1), D(2018, 7, 1), Decimal("15.38"), Decimal("14.28"), D(2017, 9, 1)
)
# approved late: months from August 2018 were declared at 2017-18's rates first
RATE_2018_19 = RateYear(
    "2018-19", D(2018, 8, 1), D(2019, 7, 1), Decimal("15.72"), Decimal("14.46"), D(2019, 3, 15)
)
RATE_2024 = RateYear(
    "2024", D(2024, 1, 1), D(2024, 12, 1), Decimal("20.59"), Decimal("19.12"), D(2024, 1, 1)
)


def test_worked_example_march_2024() -> None:
    # guide: 3,100 non-Medicare days in March 2024 x $20.59 = $63,829.00, due 30 April 2024
    days = engine.taxable_days(total_days=3_400, medicare_days=300)
    assert days == 3_100
    applied = engine.applicable_rate(
        [RATE_2024], month=D(2024, 3, 1), tier=Tier.UNDER_100K, as_of=D(2024, 4, 10)
    )
    assert applied.rate == Decimal("20.59")
    assert applied.is_final
    assert engine.monthly_fee(days=days, rate=applied.rate) == Decimal("63829.00")
    assert engine.fee_due_date(D(2024, 3, 1)) == D(2024, 4, 30)


def test_medicare_setting() -> None:
    # excluded (default): 3,500 - 400 = 3,100; included: 3,500 x 20.59 = 72,065.00
    assert engine.taxable_days(total_days=3_500, medicare_days=400) == 3_100
    included = engine.taxable_days(total_days=3_500, medicare_days=400, exclude_medicare=False)
    assert included == 3_500
    assert engine.monthly_fee(days=included, rate=Decimal("20.59")) == Decimal("72065.00")


@pytest.mark.parametrize(("total", "medicare"), [(-1, 0), (10, -1), (10, 11)])
def test_bad_days_refused(total: int, medicare: int) -> None:
    with pytest.raises(engine.QafError):
        engine.taxable_days(total_days=total, medicare_days=medicare)


def test_tier_boundary_at_100000_days() -> None:
    assert engine.tier_for(99_999) is Tier.UNDER_100K
    assert engine.tier_for(100_000) is Tier.OVER_100K
    # 2024: under pays $20.59, 100,000 or more pays $19.12; 8,500 days x 19.12 = 162,520.00
    assert RATE_2024.rate(engine.tier_for(100_000)) == Decimal("19.12")
    assert engine.monthly_fee(days=8_500, rate=Decimal("19.12")) == Decimal("162520.00")


def test_tier_basis_previous_12_months_and_calendar_year() -> None:
    months = engine.tier_basis_months(TierBasis.PREVIOUS_12_MONTHS, D(2024, 3, 1))
    assert months[0] == D(2023, 3, 1)
    assert months[-1] == D(2024, 2, 1)
    assert len(months) == 12
    months = engine.tier_basis_months(TierBasis.PREVIOUS_CALENDAR_YEAR, D(2024, 3, 1))
    assert months[0] == D(2023, 1, 1)
    assert months[-1] == D(2023, 12, 1)
    # 12 known months of 8,333 = 99,996 -> under; one of them 8,337 -> 100,000 -> over
    known = dict.fromkeys(months, 8333)
    decision = engine.decide_tier(
        basis=TierBasis.PREVIOUS_CALENDAR_YEAR,
        month=D(2024, 3, 1),
        month_days=0,
        days_by_month=known,
    )
    assert (decision.annual_days, decision.tier, decision.annualised) == (
        99_996,
        Tier.UNDER_100K,
        False,
    )
    known[D(2023, 5, 1)] = 8_337
    decision = engine.decide_tier(
        basis=TierBasis.PREVIOUS_CALENDAR_YEAR,
        month=D(2024, 3, 1),
        month_days=0,
        days_by_month=known,
    )
    assert (decision.annual_days, decision.tier) == (100_000, Tier.OVER_100K)


def test_tier_annualised_when_months_are_missing() -> None:
    # 3 known months of 8,400 -> 25,200 x 12 / 3 = 100,800 -> over; none known: 3,100 x 12
    known = {D(2023, 12, 1): 8_400, D(2024, 1, 1): 8_400, D(2024, 2, 1): 8_400}
    decision = engine.decide_tier(
        basis=TierBasis.PREVIOUS_12_MONTHS, month=D(2024, 3, 1), month_days=0, days_by_month=known
    )
    assert (decision.annual_days, decision.months_counted, decision.annualised) == (
        100_800,
        3,
        True,
    )
    assert decision.tier is Tier.OVER_100K
    decision = engine.decide_tier(
        basis=TierBasis.PREVIOUS_12_MONTHS, month=D(2024, 3, 1), month_days=3_100, days_by_month={}
    )
    assert (decision.annual_days, decision.tier) == (37_200, Tier.UNDER_100K)


def test_late_approved_rate_and_adjustment_2018_19() -> None:
    rates = [RATE_2017_18, RATE_2018_19]
    # September 2018 declared in October 2018, before CMS approved 2018-19: 2017-18's $15.38
    before = engine.applicable_rate(
        rates, month=D(2018, 9, 1), tier=Tier.UNDER_100K, as_of=D(2018, 10, 15)
    )
    assert (before.rate, before.is_final, before.rate_year.label) == (
        Decimal("15.38"),
        False,
        "2017-18",
    )
    assert engine.monthly_fee(days=3_000, rate=before.rate) == Decimal("46140.00")  # 3,000 x 15.38
    after = engine.applicable_rate(
        rates, month=D(2018, 9, 1), tier=Tier.UNDER_100K, as_of=D(2019, 3, 15)
    )
    assert (after.rate, after.is_final) == (Decimal("15.72"), True)
    # the guide's $0.34 a day: 3,000 x 0.34 = 1,020.00 owed
    assert engine.rate_adjustment(days=3_000, old_rate=before.rate, new_rate=after.rate) == Decimal(
        "1020.00"
    )
    # the other tier: 14.46 - 14.28 = 0.18 a day; 3,000 x 0.18 = 540.00
    assert engine.rate_adjustment(
        days=3_000,
        old_rate=RATE_2017_18.rate(Tier.OVER_100K),
        new_rate=RATE_2018_19.rate(Tier.OVER_100K),
    ) == Decimal("540.00")


def test_month_missing_from_the_table_uses_the_latest_approved_rate_provisionally() -> None:
    # no 2025 row: January 2025 is declared at 2024's $20.59, not final
    applied = engine.applicable_rate(
        [RATE_2024], month=D(2025, 1, 1), tier=Tier.UNDER_100K, as_of=D(2025, 2, 1)
    )
    assert (applied.rate, applied.is_final, applied.rate_year.label) == (
        Decimal("20.59"),
        False,
        "2024",
    )
    with pytest.raises(engine.QafError, match="No approved"):
        engine.applicable_rate(
            [RATE_2018_19], month=D(2018, 9, 1), tier=Tier.UNDER_100K, as_of=D(2018, 10, 1)
        )


def test_one_rate_year_2007_08_serves_both_tiers() -> None:
    one = RateYear("2007-08", D(2007, 8, 1), D(2008, 7, 1), Decimal("8.27"), None, D(2007, 9, 1))
    assert one.rate(Tier.OVER_100K) == one.rate(Tier.UNDER_100K) == Decimal("8.27")


def test_fee_rounded_half_up_once() -> None:
    # 1 x 0.005 is half a cent: half-up gives 0.01 (half-even would give 0.00)
    assert engine.monthly_fee(days=1, rate=Decimal("0.005")) == Decimal("0.01")
    # 7 x 15.555 = 108.885 -> 108.89
    assert engine.monthly_fee(days=7, rate=Decimal("15.555")) == Decimal("108.89")


@pytest.mark.parametrize(
    ("month", "due"),
    [
        (D(2024, 1, 1), D(2024, 2, 29)),  # leap year
        (D(2023, 1, 15), D(2023, 2, 28)),
        (D(2024, 11, 1), D(2024, 12, 31)),
        (D(2024, 12, 1), D(2025, 1, 31)),  # over the year end
        (D(2024, 5, 1), D(2024, 6, 30)),  # 30 June 2024 is a Sunday: calendar days, no shift
    ],
)
def test_due_date_last_day_of_following_month(month: datetime.date, due: datetime.date) -> None:
    assert engine.fee_due_date(month) == due


def test_quarterly_and_annual_report_due_dates() -> None:
    assert engine.quarter_of(D(2024, 3, 1)) == (2024, 1)
    assert engine.quarterly_report_due(2024, 1) == D(2024, 6, 30)
    assert engine.quarterly_report_due(2024, 4) == D(2025, 3, 31)
    assert engine.state_fiscal_year(D(2023, 7, 1)) == 2024
    assert engine.state_fiscal_year(D(2024, 6, 1)) == 2024
    assert engine.annual_report_due(2024) == D(2024, 8, 31)


def test_quarter_shortfall_carried_forward_then_credit() -> None:
    # Q1 2024: 63,829.00 + 57,652.00 (2,800 x 20.59) + 61,770.00 (3,000 x 20.59) = 183,251.00;
    # paid 180,000.00 -> shortfall 3,251.00, brought into Q2.
    # Q2: 3,251.00 + 61,770.00 - 70,000.00 = -4,979.00 -> credit 4,979.00 to Q3.
    # Q3: -4,979.00 + 61,770.00 - 56,791.00 = 0.00
    q1, q2, q3 = engine.reconcile_quarters(
        [
            QuarterInput(2024, 2, 3_000, Decimal("61770.00"), Decimal("70000.00")),
            QuarterInput(2024, 1, 8_900, Decimal("183251.00"), Decimal("180000.00")),
            QuarterInput(2024, 3, 3_000, Decimal("61770.00"), Decimal("56791.00")),
        ]
    )
    assert (q1.brought_forward, q1.balance, q1.shortfall, q1.credit) == (
        Decimal("0.00"),
        Decimal("3251.00"),
        Decimal("3251.00"),
        Decimal("0.00"),
    )
    assert q1.report_due == D(2024, 6, 30)
    assert (q2.brought_forward, q2.balance, q2.shortfall, q2.credit) == (
        Decimal("3251.00"),
        Decimal("-4979.00"),
        Decimal("0.00"),
        Decimal("4979.00"),
    )
    assert (q3.brought_forward, q3.balance) == (Decimal("-4979.00"), Decimal("0.00"))


def test_delinquency_timeline_and_interest_from_day_61() -> None:
    # March 2024's 63,829.00 due 30 April 2024, unpaid. Day 60 = 29 June (notice), pay by
    # 14 July, interest from 30 June. On 30 July: 31 days x 63,829 x 7% / 365 = 379.4765 -> 379.48;
    # penalty up to 50% of 63,829.00 = 31,914.50
    fee, due = Decimal("63829.00"), D(2024, 4, 30)
    late = engine.delinquency(fee=fee, due_on=due, payments=[], as_of=D(2024, 7, 30))
    assert (late.notice_on, late.pay_by, late.interest_from) == (
        D(2024, 6, 29),
        D(2024, 7, 14),
        D(2024, 6, 30),
    )
    assert late.estimated_interest == Decimal("379.48")
    assert late.maximum_penalty == Decimal("31914.50")
    assert late.days_late == 91
    assert late.is_late
    # day 60: no interest yet; day 61: one day, 63,829 x 7% / 365 = 12.2412 -> 12.24
    assert (
        engine.delinquency(
            fee=fee, due_on=due, payments=[], as_of=D(2024, 6, 29)
        ).estimated_interest
        == 0
    )
    assert engine.delinquency(
        fee=fee, due_on=due, payments=[], as_of=D(2024, 6, 30)
    ).estimated_interest == Decimal("12.24")


def test_delinquency_partial_payment_stops_interest_on_what_it_paid() -> None:
    # 30,000.00 paid 10 July: 10 days (30 Jun-9 Jul) on 63,829 + 21 days (10-30 Jul) on 33,829
    # = 638,290 + 710,409 = 1,348,699 x 7% / 365 = 258.6546 -> 258.65;
    # penalty 50% x 33,829 = 16,914.50
    late = engine.delinquency(
        fee=Decimal("63829.00"),
        due_on=D(2024, 4, 30),
        payments=[Payment(D(2024, 7, 10), Decimal("30000.00"))],
        as_of=D(2024, 7, 30),
    )
    assert late.estimated_interest == Decimal("258.65")
    assert late.unpaid == Decimal("33829.00")
    assert late.unpaid_at_notice == Decimal("63829.00")
    assert late.maximum_penalty == Decimal("16914.50")


def test_paid_on_time_is_not_late() -> None:
    paid = engine.delinquency(
        fee=Decimal("63829.00"),
        due_on=D(2024, 4, 30),
        payments=[Payment(D(2024, 4, 29), Decimal("63829.00"))],
        as_of=D(2024, 9, 30),
    )
    assert (paid.unpaid, paid.estimated_interest, paid.maximum_penalty, paid.is_late) == (
        0,
        0,
        0,
        False,
    )


@given(
    fee=st.decimals(min_value=0, max_value=10**7, places=2),
    late_days=st.integers(min_value=0, max_value=800),
)
def test_interest_never_negative_and_zero_until_day_61(fee: Decimal, late_days: int) -> None:
    due = D(2024, 4, 30)
    result = engine.delinquency(
        fee=fee, due_on=due, payments=[], as_of=due + datetime.timedelta(days=late_days)
    )
    assert result.estimated_interest >= 0
    if late_days <= 60:
        assert result.estimated_interest == 0
    assert result.maximum_penalty * 2 - fee in (Decimal("0.00"), Decimal("0.01"))
