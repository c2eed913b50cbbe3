"""The two scoring models of the domain guide (other-programs.md §2), as pure functions.

Timeliness model: pool = eligible member-months x rate per member-month; amount = pool x the
sum over measures of (share x success rate), shares normalised to 1. A report counts only if
on time: members count as eligible only from an on-time RTF, and the timeliness measures count
on-time months.

100-point model: a measure earns its points when its success rate meets its target; the score
(0-100) maps to a bonus percent of the provider's total reimbursement, linearly (cap percent x
score / 100) or by bands (the percent of the highest band whose minimum score is met), never
above the cap percent (and, when set, never above the cap amount).

Figures are exact fractions until the one rounding of each amount (``portal.money``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from portal.money import ZERO, round_money

TIMELINESS = "timeliness"
POINTS = "points"
MODELS = (TIMELINESS, POINTS)
LINEAR = "linear"
BANDS = "bands"
MAPPINGS = (LINEAR, BANDS)
MAX_SCORE = 100

# measure codes and the file each is measured from
RTF_TIMELY = "rtf_timely"
OTF_TIMELY = "otf_timely"
ENCOUNTER_IN_MONTH = "encounter_in_month"
CARE_PLAN_CURRENT = "care_plan_current"
ASSESSMENT_COMPLETED = "assessment_completed"
OUTREACH_SUCCESS = "outreach_success"
MEASURE_SOURCES = {
    RTF_TIMELY: "rtf_timeliness",
    OTF_TIMELY: "otf_timeliness",
    ENCOUNTER_IN_MONTH: "rtf",
    CARE_PLAN_CURRENT: "rtf",
    ASSESSMENT_COMPLETED: "rtf",
    OUTREACH_SUCCESS: "otf",
}
MEASURE_LABELS = {
    RTF_TIMELY: "RTF received on time",
    OTF_TIMELY: "OTF received on time",
    ENCOUNTER_IN_MONTH: "Members with an encounter in the month",
    CARE_PLAN_CURRENT: "Members with a care plan revised in the last 12 months",
    ASSESSMENT_COMPLETED: "Members with a completed assessment",
    OUTREACH_SUCCESS: "Outreach attempts that were successful",
}


def to_fraction(value: Decimal | int | str | Fraction) -> Fraction:
    if isinstance(value, float):
        raise TypeError("no floats in money or rates")
    return Fraction(value)


def to_money(value: Fraction) -> Decimal:
    """The one rounding: an exact fraction to dollars and cents, half-up."""
    return round_money(Decimal(value.numerator) / Decimal(value.denominator)) + ZERO


def to_decimal(value: Fraction, places: int = 4) -> Decimal:
    """A rate or percent for display and storage (not money)."""
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(quantum)


# --- inputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """A measure's numerator over its denominator."""

    numerator: int
    denominator: int

    def __post_init__(self) -> None:
        if self.numerator < 0 or self.denominator < 0 or self.numerator > self.denominator:
            raise ValueError(f"not a rate: {self.numerator}/{self.denominator}")

    @property
    def rate(self) -> Fraction:
        """The success rate; 0 when nothing was measured (no member, no attempt)."""
        return Fraction(self.numerator, self.denominator) if self.denominator else Fraction(0)

    def __add__(self, other: Count) -> Count:
        return Count(self.numerator + other.numerator, self.denominator + other.denominator)


@dataclass(frozen=True)
class MeasureRule:
    """A measure of a year's settings: its share (timeliness model), its points and target
    (100-point model)."""

    code: str
    weight: Decimal = Decimal(0)
    points: int = 0
    target: Decimal = Decimal(0)  # a rate 0-1 the measure must meet to earn its points


@dataclass(frozen=True)
class Band:
    min_score: Decimal
    percent: Decimal  # bonus percent of reimbursement, e.g. Decimal("2.5")


@dataclass(frozen=True)
class Rules:
    """A measurement year's scoring settings, as the engine needs them."""

    model: str
    measures: tuple[MeasureRule, ...]
    rate_per_member_month: Decimal = Decimal(0)
    mapping: str = LINEAR
    bands: tuple[Band, ...] = ()
    cap_percent: Decimal = Decimal(0)
    cap_amount: Decimal | None = None

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"unknown scoring model {self.model!r}")
        if self.mapping not in MAPPINGS:
            raise ValueError(f"unknown score mapping {self.mapping!r}")
        unknown = [m.code for m in self.measures if m.code not in MEASURE_SOURCES]
        if unknown:
            raise ValueError(f"unknown measures: {', '.join(unknown)}")


@dataclass(frozen=True)
class MonthFigures:
    """One provider-month as the files in force give it.

    ``rtf_on_time`` / ``otf_on_time``: None when no file was received. ``members`` is the
    number of members on the RTF in force; ``counts`` the member-level measures of the month
    (RTF measures from the RTF, outreach from the OTF).
    """

    month: int
    rtf_on_time: bool | None
    otf_on_time: bool | None
    members: int = 0
    counts: Mapping[str, Count] = field(default_factory=dict)

    @property
    def eligible_members(self) -> int:
        """Members count only from an on-time RTF."""
        return self.members if self.rtf_on_time else 0


# --- the period's measures ------------------------------------------------------------------


def period_counts(months: Sequence[MonthFigures], *, months_in_period: int) -> dict[str, Count]:
    """Per-measure counts over a period: timeliness measures count on-time months out of the
    months of the period (a month without a file is not on time); member measures add up the
    months whose file of that kind was on time (a late file is excluded)."""
    result: dict[str, Count] = {}
    result[RTF_TIMELY] = Count(sum(1 for m in months if m.rtf_on_time), months_in_period)
    result[OTF_TIMELY] = Count(sum(1 for m in months if m.otf_on_time), months_in_period)
    for code, source in MEASURE_SOURCES.items():
        if source not in ("rtf", "otf"):
            continue
        total = Count(0, 0)
        for m in months:
            on_time = m.rtf_on_time if source == "rtf" else m.otf_on_time
            if on_time and code in m.counts:
                total = total + m.counts[code]
        result[code] = total
    return result


# --- timeliness model ------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureLine:
    code: str
    count: Count
    rate: Decimal  # success rate, 4 places (display)
    weight: Decimal = Decimal(0)  # normalised share (timeliness)
    points: int = 0  # points earned (100-point)
    max_points: int = 0
    target: Decimal = Decimal(0)
    met: bool = False


@dataclass(frozen=True)
class Score:
    model: str
    member_months: int
    lines: tuple[MeasureLine, ...]
    amount: Decimal
    pool: Decimal = ZERO  # timeliness model
    success: Decimal = Decimal(0)  # weighted success, 4 places (timeliness)
    points: int = 0  # 100-point model
    bonus_percent: Decimal = Decimal(0)  # 100-point model, 4 places
    base: Decimal = ZERO  # 100-point model: reimbursement the percent applies to


def timeliness_score(*, rules: Rules, member_months: int, counts: Mapping[str, Count]) -> Score:
    """pool x sum(share x success rate), rounded once."""
    rate = to_fraction(rules.rate_per_member_month)
    pool = member_months * rate
    total_weight = sum((to_fraction(m.weight) for m in rules.measures), Fraction(0))
    if total_weight <= 0:
        raise ValueError("the measures' shares add up to nothing")
    success = Fraction(0)
    lines = []
    for m in rules.measures:
        share = to_fraction(m.weight) / total_weight
        count = counts.get(m.code, Count(0, 0))
        success += share * count.rate
        lines.append(
            MeasureLine(
                code=m.code, count=count, rate=to_decimal(count.rate), weight=to_decimal(share)
            )
        )
    return Score(
        model=TIMELINESS,
        member_months=member_months,
        lines=tuple(lines),
        amount=to_money(pool * success),
        pool=to_money(pool),
        success=to_decimal(success),
    )


# --- 100-point model -------------------------------------------------------------------------


def measure_points(rule: MeasureRule, count: Count) -> int:
    """All the measure's points when its rate meets the target, else none."""
    return rule.points if count.rate >= to_fraction(rule.target) else 0


def bonus_percent(*, rules: Rules, score: int | Fraction) -> Fraction:
    """The score's bonus percent of reimbursement, never above the cap percent."""
    cap = to_fraction(rules.cap_percent)
    if rules.mapping == LINEAR:
        percent = cap * Fraction(score) / MAX_SCORE
    else:
        met = [b for b in rules.bands if Fraction(score) >= to_fraction(b.min_score)]
        percent = max((to_fraction(b.percent) for b in met), default=Fraction(0))
    return min(percent, cap)


def points_score(
    *,
    rules: Rules,
    member_months: int,
    counts: Mapping[str, Count],
    reimbursement: Decimal,
) -> Score:
    """reimbursement x bonus percent of the score, capped, rounded once."""
    lines = []
    total = 0
    for m in rules.measures:
        count = counts.get(m.code, Count(0, 0))
        earned = measure_points(m, count)
        total += earned
        lines.append(
            MeasureLine(
                code=m.code,
                count=count,
                rate=to_decimal(count.rate),
                points=earned,
                max_points=m.points,
                target=m.target,
                met=earned == m.points and m.points > 0,
            )
        )
    if total > MAX_SCORE:
        raise ValueError("the measures' points add up to more than 100")
    percent = bonus_percent(rules=rules, score=total)
    amount = to_fraction(reimbursement) * percent / 100
    if rules.cap_amount is not None:
        amount = min(amount, to_fraction(rules.cap_amount))
    return Score(
        model=POINTS,
        member_months=member_months,
        lines=tuple(lines),
        amount=to_money(amount),
        points=total,
        bonus_percent=to_decimal(percent),
        base=to_money(to_fraction(reimbursement)),
    )


# --- a provider's period -------------------------------------------------------------------


def score_period(
    *,
    rules: Rules,
    months: Sequence[MonthFigures],
    months_in_period: int,
    reimbursement: Decimal = ZERO,
) -> Score:
    """The score and amount of a provider over a period (a month, a quarter, a year)."""
    counts = period_counts(months, months_in_period=months_in_period)
    member_months = sum(m.eligible_members for m in months)
    if rules.model == TIMELINESS:
        return timeliness_score(rules=rules, member_months=member_months, counts=counts)
    return points_score(
        rules=rules, member_months=member_months, counts=counts, reimbursement=reimbursement
    )


def lateness_cost(
    *,
    rules: Rules,
    months: Sequence[MonthFigures],
    months_in_period: int,
    reimbursement: Decimal = ZERO,
) -> dict[int, Decimal]:
    """What each late month cost: the period's amount had that month's files (as received)
    been on time, less the amount as scored. Months with nothing late are left out."""
    actual = score_period(
        rules=rules, months=months, months_in_period=months_in_period, reimbursement=reimbursement
    ).amount
    costs: dict[int, Decimal] = {}
    for i, m in enumerate(months):
        late_rtf = m.rtf_on_time is False
        late_otf = m.otf_on_time is False
        if not (late_rtf or late_otf):
            continue
        fixed = MonthFigures(
            month=m.month,
            rtf_on_time=True if late_rtf else m.rtf_on_time,
            otf_on_time=True if late_otf else m.otf_on_time,
            members=m.members,
            counts=m.counts,
        )
        as_if = score_period(
            rules=rules,
            months=[*months[:i], fixed, *months[i + 1 :]],
            months_in_period=months_in_period,
            reimbursement=reimbursement,
        ).amount
        costs[m.month] = round_money(as_if - actual)
    return costs


@dataclass(frozen=True)
class Improvement:
    code: str
    rate: Decimal
    target: Decimal
    at_stake: str  # "10 points" or "share 25%"


def improvements(*, rules: Rules, score: Score) -> list[Improvement]:
    """Measures short of their target (100-point) or of full success (timeliness), the
    biggest stake first."""
    found: list[tuple[Fraction, Improvement]] = []
    by_code = {line.code: line for line in score.lines}
    for m in rules.measures:
        line = by_code[m.code]
        if rules.model == POINTS:
            if line.points < m.points:
                found.append(
                    (
                        Fraction(m.points),
                        Improvement(m.code, line.rate, m.target, f"{m.points} points"),
                    )
                )
        elif line.count.rate < 1:
            stake = (1 - line.count.rate) * to_fraction(line.weight)
            found.append(
                (stake, Improvement(m.code, line.rate, Decimal(1), f"share {line.weight:.0%}"))
            )
    found.sort(key=lambda pair: -pair[0])
    return [imp for _, imp in found]


def prorate(amount: Decimal, *, months: int, of: int = 12) -> Decimal:
    """A yearly base for part of a year (a quarterly run of the 100-point model)."""
    return to_money(to_fraction(amount) * months / of)


def adjustment(*, gross: Decimal, previously_paid: Decimal) -> Decimal:
    """What a run pays now: negative is a recoupment."""
    return round_money(gross - previously_paid) + ZERO


def sum_counts(items: Iterable[Mapping[str, Count]]) -> dict[str, Count]:
    total: dict[str, Count] = {}
    for counts in items:
        for code, count in counts.items():
            total[code] = total.get(code, Count(0, 0)) + count
    return total
