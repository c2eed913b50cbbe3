"""QAF reads. Each starts from ``visible_facilities``: another facility's QAF page is a 404."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from portal.models import Facility, User
from portal.money import ZERO, round_money
from portal.registry.selectors import visible_facilities
from programs.qaf import engine
from programs.qaf.models import (
    QafDeclaration,
    QafParticipation,
    QafPayment,
    QafRateAdjustment,
    QafRateYear,
)


def qaf_facility(*, user: User, pk: int) -> Facility:
    return get_object_or_404(visible_facilities(user=user), pk=pk)


def declarations_with_money(
    facilities: Iterable[int] | QuerySet[Facility],
) -> QuerySet[QafDeclaration]:
    return (
        QafDeclaration.objects.filter(facility__in=facilities)
        .select_related("rate_year", "facility")
        .prefetch_related(
            Prefetch("payments", queryset=QafPayment.objects.order_by("paid_on", "pk")),
            Prefetch("adjustments", queryset=QafRateAdjustment.objects.select_related("rate_year")),
        )
    )


@dataclass
class MonthStatus:
    """A declared month: what it owes, what was recorded paid, and how late it is."""

    declaration: QafDeclaration
    today: datetime.date
    adjustments: list[QafRateAdjustment] = field(default_factory=list)
    payments: list[QafPayment] = field(default_factory=list)

    @property
    def month(self) -> datetime.date:
        return self.declaration.month

    @property
    def adjustments_total(self) -> Decimal:
        return sum((a.amount for a in self.adjustments), ZERO)

    @property
    def owed(self) -> Decimal:
        return self.declaration.fee + self.adjustments_total

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), ZERO)

    @property
    def balance(self) -> Decimal:
        return round_money(self.owed - self.paid)

    @property
    def delinquency(self) -> engine.Delinquency:
        return engine.delinquency(
            fee=self.declaration.fee,
            due_on=self.declaration.due_on,
            payments=[engine.Payment(p.paid_on, p.amount) for p in self.payments],
            as_of=self.today,
        )

    @property
    def paid_late(self) -> bool:
        fee_paid_on = self._fee_paid_on()
        return fee_paid_on is not None and fee_paid_on > self.declaration.due_on

    def _fee_paid_on(self) -> datetime.date | None:
        running = ZERO
        for payment in self.payments:
            running += payment.amount
            if running >= self.declaration.fee:
                return payment.paid_on
        return None

    @property
    def status(self) -> str:
        if self.balance <= 0:
            return "Paid late" if self.paid_late else "Paid"
        if self.today > self.declaration.due_on:
            return "Overdue"
        return "Due"

    @property
    def is_overdue(self) -> bool:
        return self.balance > 0 and self.today > self.declaration.due_on


def month_statuses(
    *, facility: Facility, today: datetime.date, year: int | None = None
) -> list[MonthStatus]:
    declarations = declarations_with_money([facility.pk]).order_by("-month")
    if year is not None:
        declarations = declarations.filter(month__year=year)
    return [
        MonthStatus(d, today, list(d.adjustments.all()), list(d.payments.all()))
        for d in declarations
    ]


def month_status(*, facility: Facility, month: datetime.date, today: datetime.date) -> MonthStatus:
    declaration = get_object_or_404(declarations_with_money([facility.pk]), month=month)
    return MonthStatus(
        declaration, today, list(declaration.adjustments.all()), list(declaration.payments.all())
    )


def quarter_report(
    *, facility: Facility, year: int, today: datetime.date
) -> list[tuple[engine.QuarterResult, list[MonthStatus]]]:
    """The year's four quarters reconciled in order, the balance of the last quarter of the
    year before brought forward (so a shortfall or credit follows the facility across years)."""
    statuses = month_statuses(facility=facility, today=today)
    by_quarter: dict[tuple[int, int], list[MonthStatus]] = {}
    for status in statuses:
        by_quarter.setdefault(engine.quarter_of(status.month), []).append(status)
    first = min(by_quarter, default=(year, 1))
    keys = []
    y, q = min(first, (year, 1))
    while (y, q) <= (year, 4):
        keys.append((y, q))
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    inputs = [
        engine.QuarterInput(
            y,
            q,
            sum(s.declaration.taxable_days for s in by_quarter.get((y, q), [])),
            sum((s.owed for s in by_quarter.get((y, q), [])), ZERO),
            sum((s.paid for s in by_quarter.get((y, q), [])), ZERO),
        )
        for y, q in keys
    ]
    results = engine.reconcile_quarters(inputs)
    return [
        (r, sorted(by_quarter.get((r.year, r.quarter), []), key=lambda s: s.month))
        for r in results
        if r.year == year
    ]


@dataclass(frozen=True)
class AnnualReport:
    fiscal_year: int
    months: list[MonthStatus]
    due_on: datetime.date

    @property
    def starts_on(self) -> datetime.date:
        return datetime.date(self.fiscal_year - 1, 7, 1)

    @property
    def total_days(self) -> int:
        return sum(m.declaration.total_days for m in self.months)

    @property
    def medicare_days(self) -> int:
        return sum(m.declaration.medicare_days for m in self.months)

    @property
    def taxable_days(self) -> int:
        return sum(m.declaration.taxable_days for m in self.months)

    @property
    def owed(self) -> Decimal:
        return sum((m.owed for m in self.months), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((m.paid for m in self.months), ZERO)

    @property
    def balance(self) -> Decimal:
        return self.owed - self.paid

    @property
    def missing_months(self) -> list[datetime.date]:
        declared = {m.month for m in self.months}
        all_months = [engine.add_months(self.starts_on, i) for i in range(12)]
        return [m for m in all_months if m not in declared]


def annual_report(*, facility: Facility, fiscal_year: int, today: datetime.date) -> AnnualReport:
    starts = datetime.date(fiscal_year - 1, 7, 1)
    ends = datetime.date(fiscal_year, 6, 1)
    months = [
        s for s in month_statuses(facility=facility, today=today) if starts <= s.month <= ends
    ]
    return AnnualReport(
        fiscal_year, sorted(months, key=lambda s: s.month), engine.annual_report_due(fiscal_year)
    )


def participation_history(*, facility: Facility) -> list[QafParticipation]:
    return list(
        QafParticipation.objects.filter(facility=facility)
        .select_related("set_by")
        .order_by("-set_at", "-pk")
    )


# --- the plan's list: facilities late or not declared ------------------------------------


@dataclass(frozen=True)
class AttentionRow:
    facility: Facility
    month_due: datetime.date  # the month whose fee is due at the end of this month
    declared: bool
    overdue_months: int
    overdue_balance: Decimal
    oldest_due_on: datetime.date | None
    exempt: bool

    @property
    def status(self) -> str:
        if self.exempt:
            return "Exempt"
        parts = []
        if not self.declared:
            parts.append(f"{self.month_due:%B %Y} not declared")
        if self.overdue_months:
            parts.append(
                f"{self.overdue_months} month{'s' if self.overdue_months != 1 else ''} overdue"
            )
        return "; ".join(parts) or "Up to date"


ATTENTION_SORTS = {
    "name": "Facility name",
    "overdue": "Overdue balance (largest first)",
    "oldest": "Oldest overdue first",
}
ATTENTION_FILTERS = {
    "attention": "Late or not declared",
    "late": "Late only",
    "undeclared": "Not declared only",
    "all": "All facilities",
}


def attention_rows(
    *,
    user: User,
    today: datetime.date,
    query: str = "",
    sort: str = "name",
    show: str = "attention",
) -> list[AttentionRow]:
    """Every visible facility with this month's declaration (the previous month, due at the
    end of this one) and its overdue months; filtered by ``show``, sorted by ``sort``."""
    facilities = visible_facilities(user=user).order_by("name", "pk")
    if query:
        from django.db.models import Q

        facilities = facilities.filter(Q(name__icontains=query) | Q(npi__icontains=query))
    month_due = engine.add_months(engine.first_of_month(today), -1)
    latest_participation: dict[int, bool] = {}
    for row in QafParticipation.objects.filter(facility__in=facilities).order_by(
        "facility_id", "set_at", "pk"
    ):
        latest_participation[row.facility_id] = row.pays_fee
    statuses: dict[int, list[MonthStatus]] = {}
    for d in declarations_with_money(facilities):
        statuses.setdefault(d.facility_id, []).append(
            MonthStatus(d, today, list(d.adjustments.all()), list(d.payments.all()))
        )
    rows = []
    for facility in facilities:
        mine = statuses.get(facility.pk, [])
        overdue = [s for s in mine if s.is_overdue]
        rows.append(
            AttentionRow(
                facility=facility,
                month_due=month_due,
                declared=any(s.month == month_due for s in mine),
                overdue_months=len(overdue),
                overdue_balance=sum((s.balance for s in overdue), ZERO),
                oldest_due_on=min((s.declaration.due_on for s in overdue), default=None),
                exempt=latest_participation.get(facility.pk, True) is False,
            )
        )
    if show == "late":
        rows = [r for r in rows if r.overdue_months and not r.exempt]
    elif show == "undeclared":
        rows = [r for r in rows if not r.declared and not r.exempt]
    elif show != "all":
        rows = [r for r in rows if (r.overdue_months or not r.declared) and not r.exempt]
    if sort == "overdue":
        rows.sort(key=lambda r: (-r.overdue_balance, r.facility.name))
    elif sort == "oldest":
        rows.sort(key=lambda r: (r.oldest_due_on or datetime.date.max, r.facility.name))
    return rows


def rate_years() -> QuerySet[QafRateYear]:
    """The QAF rate table, newest rate year first."""
    return QafRateYear.objects.order_by("-starts_on")
