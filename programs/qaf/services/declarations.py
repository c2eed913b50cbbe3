"""Monthly declarations (form or CSV, all or nothing) and the payments facilities record."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone

from portal.audit.services import record_event
from portal.files.csvio import CsvImportError, CsvReader, RowError, parse_int
from portal.models import Facility, User
from programs.qaf import engine
from programs.qaf.models import DeclarationSource, QafDeclaration, QafPayment
from programs.qaf.services.common import QafInputError, exclude_medicare, rate_table, tier_basis

DECLARATION_COLUMNS = ("month", "total_resident_days", "medicare_days")
MAX_MONTH_DAYS = 31 * 10_000  # a month's days: 10,000 beds at most


def parse_month(text: str) -> datetime.date:
    """``YYYY-MM`` (or a date in it) -> the first of the month."""
    try:
        if len(text) == 7:
            return datetime.date.fromisoformat(text + "-01")
        return engine.first_of_month(datetime.date.fromisoformat(text))
    except ValueError:
        raise ValueError(f"'{text[:20]}' is not a month in the form YYYY-MM") from None


def check_month(month: datetime.date, *, today: datetime.date) -> None:
    if month > engine.first_of_month(today):
        raise ValueError("a month still to come cannot be declared")
    if month.year < 2004:
        raise ValueError("the QAF began with AB 1629 (2004)")


@dataclass(frozen=True)
class Computed:
    taxable_days: int
    medicare_excluded: bool
    tier: engine.TierDecision
    applied: engine.AppliedRate
    fee: Decimal
    due_on: datetime.date


def compute(
    *,
    facility: Facility,
    month: datetime.date,
    total_days: int,
    medicare_days: int,
    as_of: datetime.date,
    pending: dict[datetime.date, int] | None = None,
) -> Computed:
    """The fee of a month as the engine computes it from the settings, the rate table and the
    facility's other declared months (``pending``: months of the same upload, not stored yet)."""
    excluded = exclude_medicare()
    days = engine.taxable_days(
        total_days=total_days, medicare_days=medicare_days, exclude_medicare=excluded
    )
    basis = tier_basis()
    basis_months = engine.tier_basis_months(basis, month)
    known = dict(
        QafDeclaration.objects.filter(facility=facility, month__in=basis_months).values_list(
            "month", "taxable_days"
        )
    )
    known.update({m: d for m, d in (pending or {}).items() if m in basis_months})
    tier = engine.decide_tier(basis=basis, month=month, month_days=days, days_by_month=known)
    rates, _ = rate_table()
    applied = engine.applicable_rate(rates, month=month, tier=tier.tier, as_of=as_of)
    return Computed(
        taxable_days=days,
        medicare_excluded=excluded,
        tier=tier,
        applied=applied,
        fee=engine.monthly_fee(days=days, rate=applied.rate),
        due_on=engine.fee_due_date(month),
    )


def _store(
    *,
    facility: Facility,
    month: datetime.date,
    total_days: int,
    medicare_days: int,
    computed: Computed,
    source: str,
    actor: User,
) -> QafDeclaration:
    _, rows = rate_table()
    values = {
        "total_days": total_days,
        "medicare_days": medicare_days,
        "taxable_days": computed.taxable_days,
        "medicare_excluded": computed.medicare_excluded,
        "tier": computed.tier.tier.value,
        "tier_annual_days": computed.tier.annual_days,
        "tier_annualised": computed.tier.annualised,
        "rate_year": rows[computed.applied.rate_year.label],
        "rate": computed.applied.rate,
        "rate_is_final": computed.applied.is_final,
        "fee": computed.fee,
        "due_on": computed.due_on,
        "source": source,
        "declared_by": actor,
        "declared_at": timezone.now(),
    }
    previous = (
        QafDeclaration.objects.select_for_update().filter(facility=facility, month=month).first()
    )
    if previous is not None and previous.adjustments.exists():
        raise QafInputError(
            f"{month:%B %Y} already carries a rate adjustment and can no longer be corrected here."
        )
    before = (
        {
            "total_days": previous.total_days,
            "medicare_days": previous.medicare_days,
            "fee": str(previous.fee),
        }
        if previous is not None
        else None
    )
    declaration, created = QafDeclaration.objects.update_or_create(
        facility=facility, month=month, defaults=values
    )
    record_event(
        actor=actor,
        action="qaf.declaration.created" if created else "qaf.declaration.corrected",
        target=declaration,
        data={
            "month": month.isoformat(),
            "total_days": total_days,
            "medicare_days": medicare_days,
            "fee": str(computed.fee),
            "before": before,
        },
    )
    return declaration


def declare_month(
    *,
    facility: Facility,
    month: datetime.date,
    total_days: int,
    medicare_days: int,
    actor: User,
    today: datetime.date | None = None,
) -> QafDeclaration:
    today = today or timezone.localdate()
    try:
        check_month(month, today=today)
        with transaction.atomic():
            computed = compute(
                facility=facility,
                month=month,
                total_days=total_days,
                medicare_days=medicare_days,
                as_of=today,
            )
            return _store(
                facility=facility,
                month=month,
                total_days=total_days,
                medicare_days=medicare_days,
                computed=computed,
                source=DeclarationSource.FORM,
                actor=actor,
            )
    except (engine.QafError, ValueError) as exc:
        raise QafInputError(str(exc)) from exc


def import_declarations(
    *,
    facility: Facility,
    handle: BinaryIO,
    actor: User,
    source_name: str = "",
    today: datetime.date | None = None,
) -> list[QafDeclaration]:
    """A CSV of months (``month,total_resident_days,medicare_days``) for one facility: every
    row is checked before any is stored; one bad row refuses the file (errors by line and
    column)."""
    today = today or timezone.localdate()
    reader = CsvReader(handle, required=DECLARATION_COLUMNS, source=source_name)
    errors: list[RowError] = []
    rows: list[tuple[int, datetime.date, int, int]] = []
    seen: dict[datetime.date, int] = {}
    for line, row in reader:
        month = total = medicare = None
        for column in DECLARATION_COLUMNS:
            if not row[column]:
                errors.append(RowError(line, column, "value is missing"))
        try:
            month = parse_month(row["month"]) if row["month"] else None
            if month is not None:
                check_month(month, today=today)
        except ValueError as exc:
            errors.append(RowError(line, "month", str(exc)))
            month = None
        for column in ("total_resident_days", "medicare_days"):
            if not row[column]:
                continue
            try:
                value = parse_int(row[column], maximum=MAX_MONTH_DAYS)
            except ValueError as exc:
                errors.append(RowError(line, column, str(exc)))
                continue
            if column == "medicare_days":
                medicare = value
            else:
                total = value
        if total is not None and medicare is not None and medicare > total:
            errors.append(
                RowError(line, "medicare_days", f"{medicare} is more than the total ({total})")
            )
            continue
        if month is not None and month in seen:
            errors.append(RowError(line, "month", f"{month:%Y-%m} is also on line {seen[month]}"))
            continue
        if month is not None:
            seen[month] = line
        if month is not None and total is not None and medicare is not None:
            rows.append((line, month, total, medicare))
    reader.check_not_empty()
    if errors:
        raise CsvImportError(errors, source_name)
    stored = []
    excluded = exclude_medicare()
    pending = {
        m: engine.taxable_days(total_days=t, medicare_days=md, exclude_medicare=excluded)
        for _, m, t, md in rows
    }
    with transaction.atomic():
        for line, month, total, medicare in sorted(rows, key=lambda r: r[1]):
            try:
                computed = compute(
                    facility=facility,
                    month=month,
                    total_days=total,
                    medicare_days=medicare,
                    as_of=today,
                    pending=pending,
                )
                stored.append(
                    _store(
                        facility=facility,
                        month=month,
                        total_days=total,
                        medicare_days=medicare,
                        computed=computed,
                        source=DeclarationSource.CSV,
                        actor=actor,
                    )
                )
            except (engine.QafError, QafInputError) as exc:
                errors.append(RowError(line, "month", str(exc)))
        if errors:
            transaction.set_rollback(True)
            raise CsvImportError(errors, source_name)
    return stored


def record_payment(
    *,
    declaration: QafDeclaration,
    paid_on: datetime.date,
    amount: Decimal,
    method: str,
    reference: str,
    actor: User,
    today: datetime.date | None = None,
) -> QafPayment:
    today = today or timezone.localdate()
    if amount == 0:
        raise QafInputError("The amount cannot be zero.")
    if paid_on > today:
        raise QafInputError("A payment cannot be dated in the future.")
    if paid_on < declaration.month:
        raise QafInputError("A payment cannot be dated before the month it pays for.")
    if not reference.strip():
        raise QafInputError("Give the EFT trace or check number.")
    with transaction.atomic():
        payment = QafPayment.objects.create(
            declaration=declaration,
            paid_on=paid_on,
            amount=amount,
            method=method,
            reference=reference.strip(),
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        record_event(
            actor=actor,
            action="qaf.payment.recorded",
            target=declaration,
            data={
                "paid_on": paid_on.isoformat(),
                "amount": str(amount),
                "reference": payment.reference,
            },
        )
    return payment


def declared_months(facility: Facility) -> Sequence[datetime.date]:
    return list(QafDeclaration.objects.filter(facility=facility).values_list("month", flat=True))
