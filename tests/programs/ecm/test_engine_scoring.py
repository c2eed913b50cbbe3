"""ECM QIP scoring engine: the guide's two worked examples and one case per rule, with the
figures computed by hand in the comments (other-programs.md §2; docs/ecm-qip.md)."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from programs.ecm.engine import deadlines, measures
from programs.ecm.engine import scoring as s

D = Decimal


def timeliness_rules(rate: str = "10.00") -> s.Rules:
    return s.Rules(
        model=s.TIMELINESS,
        measures=(
            s.MeasureRule(s.RTF_TIMELY, weight=D("0.5")),
            s.MeasureRule(s.OTF_TIMELY, weight=D("0.5")),
        ),
        rate_per_member_month=D(rate),
    )


def quarter(*otf: bool, members: tuple[int, ...] = (45, 45, 45)) -> list[s.MonthFigures]:
    return [
        s.MonthFigures(month=i + 1, rtf_on_time=True, otf_on_time=otf[i], members=members[i])
        for i in range(3)
    ]


def test_guide_example_timeliness_model_pays_1125():
    # 135 member-months x $10 = $1,350 pool; RTF on time 3/3, OTF 2/3, equal shares
    # $1,350 x (0.5 x 1 + 0.5 x 2/3) = $1,350 x 5/6 = $1,125.00
    score = s.score_period(
        rules=timeliness_rules(), months=quarter(True, True, False), months_in_period=3
    )
    assert score.member_months == 135
    assert score.pool == D("1350.00")
    assert score.amount == D("1125.00")
    assert str(score.amount) == "1125.00"
    assert score.success == D("0.8333")
    assert [line.rate for line in score.lines] == [D("1.0000"), D("0.6667")]


def points_rules(**extra: Any) -> s.Rules:
    rules = s.Rules(
        model=s.POINTS,
        measures=(
            s.MeasureRule(s.RTF_TIMELY, points=25, target=D("1")),
            s.MeasureRule(s.OTF_TIMELY, points=15, target=D("1")),
            s.MeasureRule(s.ENCOUNTER_IN_MONTH, points=30, target=D("0.80")),
            s.MeasureRule(s.CARE_PLAN_CURRENT, points=30, target=D("0.90")),
        ),
        mapping=s.LINEAR,
        cap_percent=D("5"),
    )
    return dataclasses.replace(rules, **extra)


GUIDE_COUNTS = {
    s.RTF_TIMELY: s.Count(12, 12),  # 25 points
    s.OTF_TIMELY: s.Count(11, 12),  # 11/12 < 1: no points
    s.ENCOUNTER_IN_MONTH: s.Count(80, 100),  # 0.80 meets 0.80 exactly: 30 points
    s.CARE_PLAN_CURRENT: s.Count(95, 100),  # 30 points
}


def test_guide_example_100_point_model_pays_8500():
    # 25 + 0 + 30 + 30 = 85 points; linear: 5% x 85/100 = 4.25%; $200,000 x 4.25% = $8,500.00
    score = s.points_score(
        rules=points_rules(), member_months=1200, counts=GUIDE_COUNTS, reimbursement=D("200000")
    )
    assert score.points == 85
    assert score.bonus_percent == D("4.2500")
    assert score.amount == D("8500.00")
    assert [line.points for line in score.lines] == [25, 0, 30, 30]
    assert [line.met for line in score.lines] == [True, False, True, True]


def test_late_rtf_excludes_its_members_and_its_measures_and_costs_the_difference():
    rules = s.Rules(
        model=s.TIMELINESS,
        measures=(
            s.MeasureRule(s.RTF_TIMELY, weight=D("1")),
            s.MeasureRule(s.ENCOUNTER_IN_MONTH, weight=D("1")),
        ),
        rate_per_member_month=D("10"),
    )
    enc = s.ENCOUNTER_IN_MONTH
    months = [
        s.MonthFigures(1, True, True, 40, {enc: s.Count(30, 40)}),
        s.MonthFigures(2, False, True, 50, {enc: s.Count(50, 50)}),  # late RTF
        s.MonthFigures(3, True, True, 40, {enc: s.Count(10, 40)}),
    ]
    # eligible 40 + 0 + 40 = 80 -> pool $800; RTF 2/3; encounters (30+10)/(40+40) = 1/2
    # $800 x (1/2 x 2/3 + 1/2 x 1/2) = $800 x 7/12 = $466.666... -> $466.67
    score = s.score_period(rules=rules, months=months, months_in_period=3)
    assert score.member_months == 80
    assert score.pool == D("800.00")
    assert score.amount == D("466.67")
    # had month 2 been on time: 130 -> $1,300 x (1/2 x 1 + 1/2 x 90/130) = $650 + $450 = $1,100
    assert s.lateness_cost(rules=rules, months=months, months_in_period=3) == {2: D("633.33")}


def test_month_without_a_file_is_neither_eligible_nor_on_time():
    months = [
        s.MonthFigures(1, True, True, 45),
        s.MonthFigures(2, None, None, 0),
        s.MonthFigures(3, True, True, 45),
    ]
    # 90 member-months -> $900 x (1/2 x 2/3 + 1/2 x 2/3) = $600.00; nothing was late
    score = s.score_period(rules=timeliness_rules(), months=months, months_in_period=3)
    assert score.amount == D("600.00")
    assert s.lateness_cost(rules=timeliness_rules(), months=months, months_in_period=3) == {}


def test_amount_is_rounded_half_up_once():
    rules = timeliness_rules("1.05")
    # 1 member-month x $1.05 x (1/2 x 1 + 1/2 x 0) = $0.525 -> $0.53 (half-even: $0.52)
    months = [s.MonthFigures(1, True, False, 1)]
    assert s.score_period(rules=rules, months=months, months_in_period=1).amount == D("0.53")


@pytest.mark.parametrize(
    ("points", "expected_percent", "expected"),
    [
        (59, "0", "0.00"),  # below the first paying band
        (60, "2", "4000.00"),  # $200,000 x 2%
        (79, "2", "4000.00"),
        (85, "4", "8000.00"),  # the guide's 85 points in bands: 4%, not 4.25%
        (94, "4", "8000.00"),
        (100, "5", "10000.00"),  # the band says 6%, the cap 5%
    ],
)
def test_band_mapping_takes_the_highest_band_met_and_the_cap(points, expected_percent, expected):
    rules = points_rules(
        mapping=s.BANDS,
        bands=(
            s.Band(D("0"), D("0")),
            s.Band(D("60"), D("2")),
            s.Band(D("80"), D("4")),
            s.Band(D("95"), D("6")),
        ),
    )
    assert s.bonus_percent(rules=rules, score=points) == D(expected_percent)
    # a score of exactly ``points``: measures of 1 point each, all met
    one_each = s.Rules(
        model=s.POINTS,
        measures=(s.MeasureRule(s.RTF_TIMELY, points=points, target=D("0")),),
        mapping=s.BANDS,
        bands=rules.bands,
        cap_percent=D("5"),
    )
    score = s.points_score(
        rules=one_each,
        member_months=0,
        counts={s.RTF_TIMELY: s.Count(0, 0)},
        reimbursement=D("200000"),
    )
    assert score.points == points
    assert score.amount == D(expected)


def test_cap_amount_limits_the_bonus():
    # 100 points linear with a 5% cap on $300,000 = $15,000, capped at $12,000.00
    all_met = {code: s.Count(10, 10) for code in GUIDE_COUNTS}
    uncapped = s.points_score(
        rules=points_rules(), member_months=0, counts=all_met, reimbursement=D("300000")
    )
    assert uncapped.points == 100
    assert uncapped.amount == D("15000.00")
    capped = s.points_score(
        rules=points_rules(cap_amount=D("12000")),
        member_months=0,
        counts=all_met,
        reimbursement=D("300000"),
    )
    assert capped.amount == D("12000.00")


def test_correction_that_lowers_a_paid_amount_is_a_recoupment():
    paid = s.score_period(
        rules=timeliness_rules(), months=quarter(True, True, False), months_in_period=3
    ).amount
    assert paid == D("1125.00")
    # March's RTF resubmitted with 30 members instead of 45 (its timeliness stays):
    # 120 member-months -> $1,200 x 5/6 = $1,000.00; $1,000.00 - $1,125.00 = -$125.00
    corrected = s.score_period(
        rules=timeliness_rules(),
        months=quarter(True, True, False, members=(45, 45, 30)),
        months_in_period=3,
    ).amount
    assert corrected == D("1000.00")
    assert s.adjustment(gross=corrected, previously_paid=paid) == D("-125.00")
    assert str(s.adjustment(gross=paid, previously_paid=paid)) == "0.00"


def test_improvements_list_the_missed_measures_biggest_stake_first():
    rules = points_rules()
    counts = dict(GUIDE_COUNTS)
    counts[s.CARE_PLAN_CURRENT] = s.Count(50, 100)  # misses its 0.90 target: 30 points
    score = s.points_score(rules=rules, member_months=0, counts=counts, reimbursement=D("1"))
    found = s.improvements(rules=rules, score=score)
    assert [(i.code, i.at_stake) for i in found] == [
        (s.CARE_PLAN_CURRENT, "30 points"),
        (s.OTF_TIMELY, "15 points"),
    ]
    timely = s.score_period(
        rules=timeliness_rules(), months=quarter(True, True, False), months_in_period=3
    )
    assert [
        (i.code, i.at_stake) for i in s.improvements(rules=timeliness_rules(), score=timely)
    ] == [(s.OTF_TIMELY, "share 50%")]


def test_prorated_base_for_a_quarter():
    assert s.prorate(D("200000"), months=3) == D("50000.00")
    assert s.prorate(D("100000"), months=1) == D("8333.33")


def test_invalid_rules_and_counts_are_refused():
    with pytest.raises(ValueError, match="unknown scoring model"):
        s.Rules(model="other", measures=())
    with pytest.raises(ValueError, match="unknown measures"):
        s.Rules(model=s.POINTS, measures=(s.MeasureRule("nope"),))
    with pytest.raises(ValueError, match="not a rate"):
        s.Count(3, 2)
    with pytest.raises(TypeError):
        s.to_fraction(0.5)  # type: ignore[arg-type]
    over = points_rules(measures=(s.MeasureRule(s.RTF_TIMELY, points=101),))
    with pytest.raises(ValueError, match="more than 100"):
        s.points_score(rules=over, member_months=0, counts={}, reimbursement=D("1"))
    no_share = s.Rules(model=s.TIMELINESS, measures=(s.MeasureRule(s.RTF_TIMELY),))
    with pytest.raises(ValueError, match="add up to nothing"):
        s.timeliness_score(rules=no_share, member_months=1, counts={})


# --- deadlines ---------------------------------------------------------------------------------

PT = deadlines.PACIFIC
UTC = datetime.UTC


@pytest.mark.parametrize(
    ("year", "month", "due_day", "working", "holidays", "expected"),
    [
        (2026, 3, 10, False, (), "2026-04-10"),
        (2026, 12, 10, False, (), "2027-01-10"),  # December's report is due in January
        (2026, 1, 31, False, (), "2026-02-28"),  # a short month: its last day
        # April 2026: 1 Wed, 2, 3, 6, 7, 8, 9, 10, 13, 14 -> the 10th working day is Tue 14
        (2026, 3, 10, True, (), "2026-04-14"),
        # July 2026: 1 Wed, 2 Thu, (3 Fri closed), 6 Mon -> the 3rd working day is 6 July
        (2026, 6, 3, True, (datetime.date(2026, 7, 3),), "2026-07-06"),
    ],
)
def test_due_date_in_calendar_or_working_days(year, month, due_day, working, holidays, expected):
    due = deadlines.due_date(
        year=year, month=month, due_day=due_day, working_days=working, holidays=holidays
    )
    assert due.isoformat() == expected


def test_receipt_is_on_time_by_california_day():
    due = datetime.date(2026, 4, 10)
    # 06:30 UTC on 11 April is 23:30 on 10 April in California (PDT): on time
    assert deadlines.is_on_time(
        received_at=datetime.datetime(2026, 4, 11, 6, 30, tzinfo=UTC), due_on=due
    )
    assert deadlines.is_on_time(
        received_at=datetime.datetime(2026, 4, 10, 23, 59, 59, tzinfo=PT), due_on=due
    )
    late = datetime.datetime(2026, 4, 11, 0, 0, tzinfo=PT)
    assert not deadlines.is_on_time(received_at=late, due_on=due)
    assert deadlines.days_late(received_at=late, due_on=due) == 1
    with pytest.raises(ValueError, match="timezone-aware"):
        deadlines.receipt_day(datetime.datetime(2026, 4, 10))
    with pytest.raises(ValueError, match="due_day"):
        deadlines.due_date(year=2026, month=1, due_day=0)


def test_resubmission_keeps_the_first_receipts_timeliness():
    due = datetime.date(2026, 4, 10)
    on_time = datetime.datetime(2026, 4, 9, 12, tzinfo=PT)
    resubmitted = datetime.datetime(2026, 4, 20, 12, tzinfo=PT)
    # given the order the files came in (any order of the list)
    assert deadlines.month_on_time(receipts=[resubmitted, on_time], due_on=due) is True
    assert deadlines.month_on_time(receipts=[resubmitted], due_on=due) is False
    assert deadlines.month_on_time(receipts=[], due_on=due) is None


# --- measures from the rows ------------------------------------------------------------------


def test_rtf_counts_from_member_rows():
    d = datetime.date
    rows = [
        measures.RtfMember("A1", "Enrolled", d(2026, 3, 5), d(2025, 4, 1), d(2026, 1, 2)),
        # care plan 31 Mar 2025 is more than 12 months before 31 Mar 2026
        measures.RtfMember("B2", "Enrolled", d(2026, 2, 28), d(2025, 3, 31), None),
        measures.RtfMember("C3", "Discontinued", d(2026, 3, 5), d(2026, 3, 1), d(2026, 3, 1)),
        # assessed after the month: not yet
        measures.RtfMember("D4", "Enrolled", d(2026, 3, 31), d(2026, 3, 31), d(2026, 4, 1)),
        measures.RtfMember("D4", "Enrolled", d(2026, 3, 31), d(2026, 3, 31), d(2026, 4, 1)),
    ]
    members, counts = measures.rtf_counts(rows, year=2026, month=3, counted_statuses={"Enrolled"})
    assert members == 3  # A1, B2, D4 (C3 discontinued; D4 listed twice counts once)
    assert counts[s.ENCOUNTER_IN_MONTH] == s.Count(2, 3)  # A1, D4
    assert counts[s.CARE_PLAN_CURRENT] == s.Count(2, 3)  # A1, D4
    assert counts[s.ASSESSMENT_COMPLETED] == s.Count(1, 3)  # A1
    assert measures.year_before(d(2024, 2, 29)) == d(2023, 3, 1)


def test_otf_counts_successful_attempts():
    rows = [
        measures.OtfAttempt("A", True),
        measures.OtfAttempt("A", False),
        measures.OtfAttempt("B", True),
    ]
    assert measures.otf_counts(rows) == {s.OUTREACH_SUCCESS: s.Count(2, 3)}
    assert measures.otf_counts([]) == {s.OUTREACH_SUCCESS: s.Count(0, 0)}


@given(
    members=st.lists(st.integers(min_value=0, max_value=3000), min_size=1, max_size=12),
    rtf=st.lists(st.booleans(), min_size=12, max_size=12),
    otf=st.lists(st.booleans(), min_size=12, max_size=12),
)
def test_property_amount_within_pool_and_never_lower_when_a_month_is_on_time(members, rtf, otf):
    months = [s.MonthFigures(i + 1, rtf[i], otf[i], n) for i, n in enumerate(members)]
    rules = timeliness_rules()
    score = s.score_period(rules=rules, months=months, months_in_period=len(months))
    assert D(0) <= score.amount <= score.pool
    all_on_time = [s.MonthFigures(m.month, True, True, m.members) for m in months]
    best = s.score_period(rules=rules, months=all_on_time, months_in_period=len(months))
    assert best.amount >= score.amount
    assert best.amount == best.pool  # every measure at 100%
    assert (
        sum(
            s.lateness_cost(rules=rules, months=months, months_in_period=len(months)).values(), D(0)
        )
        >= 0
    )
