"""The rate table: CSV import (all or nothing) and the adjustments a late-approved rate
produces for months already declared at an earlier rate."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone

from portal.audit.services import record_event
from portal.files.csvio import (
    CsvImportError,
    CsvReader,
    RowError,
    length_errors,
    parse_date,
    parse_money,
    require,
)
from portal.models import User
from programs.qaf import engine
from programs.qaf.models import QafDeclaration, QafRateAdjustment, QafRateYear
from programs.qaf.notices import schedule_adjustment_notice
from programs.qaf.services.common import as_engine_rate

RATE_COLUMNS = ("rate_year", "starts_on", "ends_on", "rate_under_100k")
RATE_OPTIONAL = ("rate_over_100k", "cms_approved_on", "note")
MAX_RATE = Decimal("1000")


def _rate(text: str) -> Decimal:
    value = parse_money(text)
    if value <= 0:
        raise ValueError(f"{text} is not above zero")
    if value >= MAX_RATE:
        raise ValueError(f"{text} is not a rate per resident day (under {MAX_RATE})")
    return value


def import_rate_years(*, handle: BinaryIO, actor: User, source_name: str = "") -> list[QafRateYear]:
    """Add or replace rate years by label. Every row is checked (dates, rates, order, overlaps
    with the file and the table) before one is written; the adjustments of newly approved rates
    follow in the same transaction."""
    reader = CsvReader(handle, required=RATE_COLUMNS, optional=RATE_OPTIONAL, source=source_name)
    errors: list[RowError] = []
    parsed: list[tuple[int, dict[str, object]]] = []
    labels: dict[str, int] = {}
    for line, row in reader:
        row_errors = require(row, RATE_COLUMNS, line)
        row_errors += length_errors(row, {"rate_year": 40, "note": 500}, line)
        values: dict[str, object] = {"label": row["rate_year"], "note": row["note"]}
        for column, parse in (
            ("starts_on", parse_date),
            ("ends_on", parse_date),
            ("rate_under_100k", _rate),
            ("rate_over_100k", _rate),
            ("cms_approved_on", parse_date),
        ):
            if not row[column]:
                values[column] = None
                continue
            try:
                values[column] = parse(row[column])
            except ValueError as exc:
                row_errors.append(RowError(line, column, str(exc)))
        starts, ends = values.get("starts_on"), values.get("ends_on")
        if isinstance(starts, datetime.date) and starts.day != 1:
            row_errors.append(RowError(line, "starts_on", "a rate year starts on the 1st"))
        if isinstance(starts, datetime.date) and isinstance(ends, datetime.date) and ends < starts:
            row_errors.append(RowError(line, "ends_on", "before starts_on"))
        if row["rate_year"] in labels:
            row_errors.append(
                RowError(line, "rate_year", f"also on line {labels[row['rate_year']]}")
            )
        labels.setdefault(row["rate_year"], line)
        errors += row_errors
        if not row_errors:
            parsed.append((line, values))
    reader.check_not_empty()
    # overlaps: the file's rows with each other and with the table's other rows
    spans: list[tuple[datetime.date, datetime.date, str, int]] = [
        (r.starts_on, r.ends_on, r.label, 0)
        for r in QafRateYear.objects.exclude(label__in=list(labels))
    ]
    for line, values in parsed:
        starts, ends = values["starts_on"], values["ends_on"]
        if not isinstance(starts, datetime.date) or not isinstance(ends, datetime.date):
            continue  # both required and parsed above
        for other_starts, other_ends, label, other_line in spans:
            if starts <= other_ends and other_starts <= ends:
                where = f"line {other_line}" if other_line else "the rate table"
                errors.append(RowError(line, "starts_on", f"overlaps rate year {label} ({where})"))
        spans.append((starts, ends, str(values["label"]), line))
    if errors:
        raise CsvImportError(sorted(errors, key=lambda e: e.line), source_name)
    stored: list[QafRateYear] = []
    with transaction.atomic():
        for _, values in parsed:
            label = str(values.pop("label"))
            defaults: dict[str, Any] = {**values, "note": values["note"] or ""}
            rate_row, created = QafRateYear.objects.update_or_create(label=label, defaults=defaults)
            stored.append(rate_row)
            record_event(
                actor=actor,
                action="qaf.rate_year.imported" if created else "qaf.rate_year.replaced",
                target=rate_row,
                data={k: str(v) for k, v in values.items()},
            )
        for rate_row in stored:
            apply_rate_approval(rate_year=rate_row, actor=actor)
    return stored


def apply_rate_approval(
    *, rate_year: QafRateYear, actor: User | None, today: datetime.date | None = None
) -> list[QafRateAdjustment]:
    """Once a rate year is approved, every declared month it covers that was declared at
    another rate owes (or is owed) the difference: one adjustment per month and rate, due with
    the fee of the month after the approval (reading [A]). Calling it again adds nothing."""
    if rate_year.cms_approved_on is None:
        return []
    today = today or timezone.localdate()
    approved = as_engine_rate(rate_year)
    due_on = engine.fee_due_date(max(rate_year.cms_approved_on, today))
    made = []
    declarations = QafDeclaration.objects.filter(
        month__gte=rate_year.starts_on, month__lte=rate_year.ends_on
    ).select_for_update()
    with transaction.atomic():
        for declaration in declarations:
            latest = declaration.adjustments.order_by("-created_at", "-pk").first()
            old_rate = latest.new_rate if latest is not None else declaration.rate
            new_rate = approved.rate(engine.Tier(declaration.tier))
            if new_rate == old_rate:
                continue
            amount = engine.rate_adjustment(
                days=declaration.taxable_days, old_rate=old_rate, new_rate=new_rate
            )
            adjustment, created = QafRateAdjustment.objects.get_or_create(
                declaration=declaration,
                rate_year=rate_year,
                new_rate=new_rate,
                defaults={
                    "days": declaration.taxable_days,
                    "old_rate": old_rate,
                    "amount": amount,
                    "due_on": due_on,
                    "created_at": timezone.now(),
                },
            )
            if created:
                made.append(adjustment)
                schedule_adjustment_notice(adjustment)
                record_event(
                    actor=actor,
                    action="qaf.rate_adjustment.created",
                    target=declaration,
                    data={
                        "rate_year": rate_year.label,
                        "old_rate": str(old_rate),
                        "new_rate": str(new_rate),
                        "days": declaration.taxable_days,
                        "amount": str(amount),
                    },
                )
    return made
