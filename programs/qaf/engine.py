"""The Quality Assurance Fee's rules as pure functions (docs/qaf.md; domain guide §1).

No Django: dates, integers and Decimals in, dates and Decimals out. Money is rounded half-up
to the cent once, at the end of each figure, by ``portal.money.round_money``.
"""

from __future__ import annotations

import calendar
import datetime
import enum
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from portal.money import ZERO, round_money

# Two tiers by annual resident days: under 100,000 pays the higher rate (H&S §1324.21).
TIER_BOUNDARY_DAYS = 100_000
# Late payment (22 CCR §52101, H&S §1324.22): notice on day 60 after the due date, 15 days to
# pay after it, interest 7% a year from day 61, a penalty of up to 50% of the unpaid fee.
NOTICE_DAY = 60
DAYS_TO_PAY_AFTER_NOTICE = 15
INTEREST_RATE = Decimal("0.07")
DAYS_IN_YEAR = Decimal(365)  # reading [A]: simple interest on a 365-day year, leap years too
MAX_PENALTY_SHARE = Decimal("0.50")
ANNUAL_REPORT_DUE = (8, 31)  # 31 August, for the state fiscal year (July-June) just ended


class Tier(enum.StrEnum):
    UNDER_100K = "under_100k"  # fewer than 100,000 days a year: the higher rate
    OVER_100K = "over_100k"  # 100,000 days a year or more: the lower rate


TIER_LABELS = {
    Tier.UNDER_100K: "Under 100,000 days a year",
    Tier.OVER_100K: "100,000 days a year or more",
}


class TierBasis(enum.StrEnum):
    """Which days set the tier (the law says "annual"; which year is a setting [A])."""

    PREVIOUS_12_MONTHS = "previous_12_months"  # the 12 months before the month declared
    PREVIOUS_CALENDAR_YEAR = "previous_calendar_year"  # the calendar year before the month's


class QafError(ValueError):
    """Input the rules cannot work with (negative days, Medicare above the total...)."""


# --- months and due dates ------------------------------------------------------------------


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def last_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + (month.month - 1) + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def fee_due_date(month: datetime.date) -> datetime.date:
    """The monthly fee is due by the last day of the month after the month it is for
    (calendar days: March 2024 -> 30 April 2024, whatever day of the week it is)."""
    return last_of_month(add_months(first_of_month(month), 1))


def quarter_of(month: datetime.date) -> tuple[int, int]:
    """(year, quarter 1-4) of the calendar quarter the month falls in."""
    return month.year, (month.month - 1) // 3 + 1


def quarter_months(year: int, quarter: int) -> list[datetime.date]:
    first = datetime.date(year, 3 * (quarter - 1) + 1, 1)
    return [add_months(first, i) for i in range(3)]


def quarterly_report_due(year: int, quarter: int) -> datetime.date:
    """The quarterly report, with the days and payments of a quarter, is due by the last day
    of the quarter after it (Q1 -> 30 June)."""
    return fee_due_date(add_months(quarter_months(year, quarter)[-1], 2))


def state_fiscal_year(month: datetime.date) -> int:
    """The state fiscal year (July-June) a month falls in, named by the year it ends."""
    return month.year + 1 if month.month >= 7 else month.year


def annual_report_due(fiscal_year: int) -> datetime.date:
    """The annual report for the state fiscal year ending 30 June ``fiscal_year`` is due by
    31 August of that year."""
    return datetime.date(fiscal_year, *ANNUAL_REPORT_DUE)


# --- days, tier, rate, fee -----------------------------------------------------------------


def taxable_days(*, total_days: int, medicare_days: int, exclude_medicare: bool = True) -> int:
    """Resident days the fee is charged on: all of the month's resident days, less the
    Medicare days when the setting excludes them (the default, reading [A])."""
    if total_days < 0 or medicare_days < 0:
        raise QafError("Days cannot be negative.")
    if medicare_days > total_days:
        raise QafError("Medicare days cannot exceed the total resident days.")
    return total_days - medicare_days if exclude_medicare else total_days


def tier_for(annual_days: int) -> Tier:
    """Under 100,000 days a year -> the higher rate; 100,000 or more -> the lower."""
    if annual_days < 0:
        raise QafError("Days cannot be negative.")
    return Tier.UNDER_100K if annual_days < TIER_BOUNDARY_DAYS else Tier.OVER_100K


def tier_basis_months(basis: TierBasis, month: datetime.date) -> list[datetime.date]:
    """The months whose days set the tier of ``month``."""
    month = first_of_month(month)
    if basis is TierBasis.PREVIOUS_12_MONTHS:
        return [add_months(month, -i) for i in range(12, 0, -1)]
    return [datetime.date(month.year - 1, m, 1) for m in range(1, 13)]


@dataclass(frozen=True)
class TierDecision:
    tier: Tier
    annual_days: int
    months_counted: int
    annualised: bool  # fewer than 12 months known: the known days scaled to a year


def decide_tier(
    *,
    basis: TierBasis,
    month: datetime.date,
    month_days: int,
    days_by_month: Mapping[datetime.date, int],
) -> TierDecision:
    """The tier of ``month`` from the taxable days of the basis months. Reading [A]: months
    not declared in the portal are left out and the known ones scaled to 12 months; with none
    known, the month's own days x 12."""
    known = [days_by_month[m] for m in tier_basis_months(basis, month) if m in days_by_month]
    if len(known) == 12:
        annual = sum(known)
    elif known:
        annual = sum(known) * 12 // len(known)
    else:
        annual = month_days * 12
    return TierDecision(tier_for(annual), annual, len(known), len(known) < 12)


@dataclass(frozen=True)
class RateYear:
    """One row of the rate table: the rates per resident day of a rate year (an August-July
    year until 2018-19, a calendar year from 2022), in effect once CMS approved them."""

    label: str
    starts_on: datetime.date
    ends_on: datetime.date
    rate_under_100k: Decimal
    rate_over_100k: Decimal | None  # None: one rate for every facility (2007-08)
    cms_approved_on: datetime.date | None

    def covers(self, month: datetime.date) -> bool:
        return self.starts_on <= first_of_month(month) <= self.ends_on

    def rate(self, tier: Tier) -> Decimal:
        if tier is Tier.OVER_100K and self.rate_over_100k is not None:
            return self.rate_over_100k
        return self.rate_under_100k

    def is_approved(self, as_of: datetime.date) -> bool:
        return self.cms_approved_on is not None and self.cms_approved_on <= as_of


@dataclass(frozen=True)
class AppliedRate:
    rate_year: RateYear
    rate: Decimal
    is_final: bool  # False: the month's own rate is not approved yet, an earlier one is used


def applicable_rate(
    rates: Sequence[RateYear], *, month: datetime.date, tier: Tier, as_of: datetime.date
) -> AppliedRate:
    """The rate a month is declared at on ``as_of``: its rate year's, once CMS approved it;
    until then (or while the table has no row for it) the latest approved rate year before it
    (the facility pays the difference when the new rate is approved: :func:`rate_adjustment`).
    """
    month = first_of_month(month)
    covering = [r for r in rates if r.covers(month)]
    if covering and covering[0].is_approved(as_of):
        own = covering[0]
        return AppliedRate(own, own.rate(tier), True)
    # not approved yet, or not in the table yet (a rate year the guide does not list): the
    # latest approved rate year before the month, until the month's own rate is approved
    earlier = [r for r in rates if r.ends_on < month and r.is_approved(as_of)]
    if not earlier:
        raise QafError(f"No approved QAF rate for {month:%B %Y} or any month before it.")
    previous = max(earlier, key=lambda r: r.starts_on)
    return AppliedRate(previous, previous.rate(tier), False)


def monthly_fee(*, days: int, rate: Decimal) -> Decimal:
    """Taxable days x the rate per day, rounded half-up to the cent once."""
    if days < 0:
        raise QafError("Days cannot be negative.")
    return round_money(Decimal(days) * rate)


def rate_adjustment(*, days: int, old_rate: Decimal, new_rate: Decimal) -> Decimal:
    """What a month declared at ``old_rate`` owes once ``new_rate`` is approved for it: the
    difference per day x the days, rounded once (negative: a credit)."""
    return round_money(Decimal(days) * (new_rate - old_rate))


# --- quarters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterInput:
    year: int
    quarter: int
    days: int
    fees_due: Decimal  # the months' fees plus rate adjustments owed in the quarter
    paid: Decimal  # payments recorded for the quarter's months


@dataclass(frozen=True)
class QuarterResult:
    year: int
    quarter: int
    days: int
    fees_due: Decimal
    paid: Decimal
    brought_forward: Decimal  # from the quarter before: + still owed, - a credit
    balance: Decimal  # brought forward + fees due - paid

    @property
    def shortfall(self) -> Decimal:
        """Owed with the quarterly report (0 when paid in full or in credit)."""
        return max(self.balance, ZERO)

    @property
    def credit(self) -> Decimal:
        """Paid beyond the fees: credited to the next quarter."""
        return max(-self.balance, ZERO)

    @property
    def report_due(self) -> datetime.date:
        return quarterly_report_due(self.year, self.quarter)


def reconcile_quarters(quarters: Iterable[QuarterInput]) -> list[QuarterResult]:
    """Each quarter's fees against its payments, in order; the balance (a shortfall or a
    credit) is carried to the next quarter."""
    carried = ZERO
    results = []
    for q in sorted(quarters, key=lambda q: (q.year, q.quarter)):
        balance = carried + q.fees_due - q.paid
        results.append(
            QuarterResult(q.year, q.quarter, q.days, q.fees_due, q.paid, carried, balance)
        )
        carried = balance
    return results


# --- late payment --------------------------------------------------------------------------


@dataclass(frozen=True)
class Payment:
    paid_on: datetime.date
    amount: Decimal


@dataclass(frozen=True)
class Delinquency:
    """The timeline and estimated cost of a month paid late or not at all (estimates: DHCS
    sends the real figures)."""

    due_on: datetime.date
    notice_on: datetime.date  # day 60 after the due date: the delinquency notice
    pay_by: datetime.date  # 15 days after the notice
    interest_from: datetime.date  # day 61
    as_of: datetime.date
    unpaid: Decimal  # still unpaid on as_of
    unpaid_at_notice: Decimal
    estimated_interest: Decimal
    maximum_penalty: Decimal  # up to 50% of the unpaid fee

    @property
    def is_late(self) -> bool:
        return self.as_of > self.due_on and (self.unpaid > 0 or self.estimated_interest > 0)

    @property
    def days_late(self) -> int:
        return max((self.as_of - self.due_on).days, 0)


def _unpaid_on(fee: Decimal, payments: Sequence[Payment], day: datetime.date) -> Decimal:
    return max(fee - sum((p.amount for p in payments if p.paid_on <= day), ZERO), ZERO)


def delinquency(
    *, fee: Decimal, due_on: datetime.date, payments: Sequence[Payment], as_of: datetime.date
) -> Delinquency:
    """Timeline, interest and penalty estimates of a month's fee on ``as_of``.

    Interest: 7% a year, simple, on the balance unpaid at the end of each day from day 61
    after the due date to ``as_of`` (a payment stops interest on what it pays from its day);
    rounded once. Maximum penalty: 50% of the fee still unpaid on ``as_of`` (reading [A]:
    the unpaid fee once the notice's 15 days have passed; before day 76 it is shown as what
    could be added)."""
    notice_on = due_on + datetime.timedelta(days=NOTICE_DAY)
    interest_from = notice_on + datetime.timedelta(days=1)
    pay_by = notice_on + datetime.timedelta(days=DAYS_TO_PAY_AFTER_NOTICE)
    ordered = sorted(payments, key=lambda p: p.paid_on)
    # day-weighted unpaid balance from interest_from to as_of, both included; a payment made
    # on a day stops interest on that day
    weighted = Decimal(0)
    if as_of >= interest_from:
        points = sorted({interest_from, *(p.paid_on for p in ordered if p.paid_on > interest_from)})
        points.append(as_of + datetime.timedelta(days=1))
        for start, end in itertools.pairwise(points):
            if start > as_of:
                break
            end = min(end, as_of + datetime.timedelta(days=1))
            weighted += _unpaid_on(fee, ordered, start) * (end - start).days
    interest = round_money(weighted * INTEREST_RATE / DAYS_IN_YEAR)
    unpaid = _unpaid_on(fee, ordered, as_of)
    return Delinquency(
        due_on=due_on,
        notice_on=notice_on,
        pay_by=pay_by,
        interest_from=interest_from,
        as_of=as_of,
        unpaid=unpaid,
        unpaid_at_notice=_unpaid_on(fee, ordered, notice_on),
        estimated_interest=interest,
        maximum_penalty=round_money(unpaid * MAX_PENALTY_SHARE),
    )
