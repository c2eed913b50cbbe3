"""The IPP rules as pure functions (no Django, no models): the PY1 split of points, the points a
measure earns, the earned amount of a submission, the Payment 1 reconciliation and the 5% cap.

Every amount is Decimal and is rounded half-up to the cent once, by ``portal.money`` (docs/ipp.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from portal.money import ZERO, round_money

AREAS = (1, 2, 3, 4)
AREA_NAMES = {
    1: "Delivery system infrastructure",
    2: "ECM provider capacity",
    3: "Community Supports capacity and take-up",
    4: "Quality and emerging CalAIM priorities",
}
# PY1: the least share of the maximum points each area must hold, in percent (APL 23-003)
PY1_MINIMUM_SHARES: Mapping[int, Decimal] = {
    1: Decimal("20"),
    2: Decimal("20"),
    3: Decimal("30"),
    4: Decimal("0"),
}
PY1_GAP_FILLING_SHARE = Decimal("30")
HUNDRED = Decimal("100")
DEFAULT_CAP_PERCENT = Decimal("5")


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def check_py1_split(
    *,
    shares: Mapping[int, Decimal],
    gap_filling_areas: Iterable[int],
    has_community_supports: bool,
) -> list[str]:
    """The errors of a PY1 point split (percent of the plan's maximum points per area).

    With Community Supports: area 1 at least 20%, area 2 at least 20%, area 3 at least 30%, the
    shares add up to 100%, and what an area holds above its minimum (the other 30%) lies in an
    area the Gap-Filling Plan chose. Without Community Supports the plan cannot earn the area-3
    share: area 3 must hold 0%, its 30% is forfeit and the other areas add up to 70%.
    An empty list means the split is allowed."""
    chosen = set(gap_filling_areas)
    errors: list[str] = []
    for area in shares:
        if area not in AREAS:
            errors.append(f"there is no priority area {area}")
    for area in chosen - set(AREAS):
        errors.append(f"the Gap-Filling Plan names area {area}, which does not exist")
    share = {area: shares.get(area, ZERO) for area in AREAS}
    for area, value in share.items():
        if value < 0:
            errors.append(f"area {area}: a share cannot be negative ({_pct(value)})")
    if not has_community_supports:
        if share[3] != 0:
            errors.append(
                f"area 3: the plan offers no Community Supports, so it has no area-3 share "
                f"(it holds {_pct(share[3])}; the 30% is forfeit)"
            )
        expected_total = HUNDRED - PY1_MINIMUM_SHARES[3]
    else:
        expected_total = HUNDRED
    total = sum(share.values(), ZERO)
    if total != expected_total:
        errors.append(f"the shares add up to {_pct(total)}, not {_pct(expected_total)}")
    for area in (1, 2, 3):
        if area == 3 and not has_community_supports:
            continue
        minimum = PY1_MINIMUM_SHARES[area]
        if share[area] < minimum:
            errors.append(
                f"area {area}: {_pct(share[area])} is below the PY1 minimum of {_pct(minimum)}"
            )
    for area in AREAS:
        floor = PY1_MINIMUM_SHARES[area]
        if area == 3 and not has_community_supports:
            floor = ZERO
        above = share[area] - floor
        if above > 0 and area not in chosen:
            errors.append(
                f"area {area}: {_pct(above)} above the minimum goes to an area the Gap-Filling "
                f"Plan did not choose (chosen: {', '.join(map(str, sorted(chosen))) or 'none'})"
            )
    return errors


@dataclass(frozen=True)
class Tier:
    label: str
    points: Decimal


@dataclass(frozen=True)
class MeasureInput:
    """A measure of a submission and the plan's result for it (None: no result yet)."""

    code: str
    points: Decimal
    applicable: bool = True
    tiers: Sequence[Tier] = ()
    met: bool | None = None  # full-or-none measures
    tier: str = ""  # tiered measures: the tier DHCS credited ("" = none)


class MeasureError(ValueError):
    """A result that does not fit its measure (names the measure)."""


def points_earned(measure: MeasureInput) -> Decimal:
    """Full points or none, or the credited tier's points; a measure that does not apply earns
    nothing and is not available either (``points_available``)."""
    if not measure.applicable:
        return ZERO
    if measure.tiers:
        if not measure.tier:
            return ZERO
        for tier in measure.tiers:
            if tier.label == measure.tier:
                return tier.points
        raise MeasureError(f"measure {measure.code}: no tier '{measure.tier}'")
    return measure.points if measure.met else ZERO


def points_available(measures: Iterable[MeasureInput]) -> Decimal:
    return sum((m.points for m in measures if m.applicable), ZERO)


def check_measure(measure: MeasureInput) -> list[str]:
    """A measure's own consistency: tiers below its points, none above."""
    errors = []
    if measure.points < 0:
        errors.append(f"measure {measure.code}: points cannot be negative")
    seen: set[str] = set()
    for tier in measure.tiers:
        if tier.label in seen:
            errors.append(f"measure {measure.code}: tier '{tier.label}' twice")
        seen.add(tier.label)
        if tier.points < 0 or tier.points > measure.points:
            errors.append(
                f"measure {measure.code}: tier '{tier.label}' gives {tier.points} points, "
                f"outside 0 to {measure.points}"
            )
    return errors


@dataclass(frozen=True)
class Earned:
    allocation: Decimal
    points_earned: Decimal
    points_available: Decimal
    amount: Decimal


def earned_amount(*, allocation: Decimal, measures: Sequence[MeasureInput]) -> Earned:
    """earned = allocation x points earned / points available, rounded half-up once."""
    earned = sum((points_earned(m) for m in measures), ZERO)
    available = points_available(measures)
    amount = ZERO if available == 0 else round_money(allocation * earned / available)
    return Earned(
        allocation=allocation, points_earned=earned, points_available=available, amount=amount
    )


@dataclass(frozen=True)
class Reconciliation:
    """Payment 1 was paid on an interim basis; what was earned on it settles it."""

    interim_paid: Decimal
    earned: Decimal
    to_return: Decimal  # unearned: back to DHCS, or netted from Payment 2 / capitation
    still_owed: Decimal  # earned above what was paid: DHCS owes the plan

    @property
    def settled(self) -> bool:
        return self.to_return == 0 and self.still_owed == 0


def reconcile_interim(*, interim_paid: Decimal, earned: Decimal) -> Reconciliation:
    difference = round_money(interim_paid - earned)
    return Reconciliation(
        interim_paid=interim_paid,
        earned=earned,
        to_return=max(difference, ZERO),
        still_owed=max(-difference, ZERO) + ZERO,
    )


def outstanding_return(*, to_return: Decimal, settled: Iterable[Decimal]) -> Decimal:
    """What is still to go back after returns and offsets already recorded (positive
    amounts)."""
    return max(round_money(to_return - sum(settled, ZERO)), ZERO)


@dataclass(frozen=True)
class CapCheck:
    incentives: Decimal
    capitation: Decimal | None
    percent: Decimal
    limit: Decimal | None

    @property
    def exceeded(self) -> bool:
        return self.limit is not None and self.incentives > self.limit

    @property
    def share(self) -> Decimal | None:
        """The incentives as a percent of capitation, to two places (shown, not a rule)."""
        if not self.capitation:
            return None
        return round_money(self.incentives * HUNDRED / self.capitation)


def cap_check(
    *, incentives: Decimal, capitation: Decimal | None, percent: Decimal = DEFAULT_CAP_PERCENT
) -> CapCheck:
    """42 CFR 438.6(b)(2): incentives at most 5% of the attributable capitation. No capitation
    entered: nothing to compare (``limit`` None, no warning)."""
    limit = None if capitation is None else round_money(capitation * percent / HUNDRED)
    return CapCheck(incentives=incentives, capitation=capitation, percent=percent, limit=limit)
