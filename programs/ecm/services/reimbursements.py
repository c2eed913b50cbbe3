"""The reimbursement base per provider and year (the 100-point model's "total reimbursement"),
imported from a CSV: ``provider_npi,year,amount``; all or nothing, errors by line and column."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from portal.audit.services import record_event
from portal.files.csvio import CsvImportError, RowError, parse_int, parse_money, read_csv, require
from portal.models import Organisation, OrganisationKind, User
from programs.ecm.models import MeasurementYear, ReimbursementBase
from programs.ecm.services.scoring import score_year

COLUMNS = ("provider_npi", "year", "amount")


@dataclass(frozen=True)
class ReimbursementSummary:
    created: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@transaction.atomic
def import_reimbursements(*, path: Path | str, actor: User | None = None) -> ReimbursementSummary:
    rows = read_csv(path, required=COLUMNS)
    providers = dict(
        Organisation.objects.filter(kind=OrganisationKind.ECM_PROVIDER).values_list("npi", "id")
    )
    years = {y.year: y for y in MeasurementYear.objects.all()}
    errors: list[RowError] = []
    parsed: dict[tuple[int, int], Decimal] = {}
    first_line: dict[tuple[int, int], int] = {}
    for line, row in rows:
        row_errors = require(row, COLUMNS, line)
        provider_id = providers.get(row["provider_npi"])
        if row["provider_npi"] and provider_id is None:
            row_errors.append(
                RowError(
                    line, "provider_npi", f"no ECM provider has NPI {row['provider_npi'][:20]}"
                )
            )
        year = None
        if row["year"]:
            try:
                year = parse_int(row["year"], minimum=2000, maximum=2100)
            except ValueError as exc:
                row_errors.append(RowError(line, "year", str(exc)))
            else:
                if year not in years:
                    row_errors.append(RowError(line, "year", f"no measurement year {year}"))
        amount = None
        if row["amount"]:
            try:
                amount = parse_money(row["amount"])
            except ValueError as exc:
                row_errors.append(RowError(line, "amount", str(exc)))
            else:
                if amount < 0:
                    row_errors.append(RowError(line, "amount", "must not be negative"))
        if not row_errors and provider_id is not None and year is not None and amount is not None:
            key = (provider_id, year)
            if key in first_line:
                row_errors.append(
                    RowError(
                        line, "provider_npi", f"provider and year already on line {first_line[key]}"
                    )
                )
            first_line.setdefault(key, line)
            parsed[key] = amount
        errors += row_errors
    if errors:
        raise CsvImportError(errors, str(path))
    created = updated = unchanged = 0
    touched: dict[int, list[int]] = {}
    for (provider_id, year), amount in parsed.items():
        measurement_year = years[year]
        base, made = ReimbursementBase.objects.get_or_create(
            provider_id=provider_id,
            measurement_year=measurement_year,
            defaults={"amount": amount, "imported_by": actor},
        )
        if made:
            created += 1
        elif base.amount != amount:
            base.amount = amount
            base.imported_by = actor
            base.save(update_fields=["amount", "imported_by", "imported_at"])
            updated += 1
        else:
            unchanged += 1
            continue
        touched.setdefault(year, []).append(provider_id)
    for year, provider_ids in touched.items():
        score_year(measurement_year=years[year], provider_ids=provider_ids)
    summary = ReimbursementSummary(created, updated, unchanged)
    record_event(
        actor=actor,
        action="ecm.reimbursements_imported",
        reason=f"import of {Path(path).name}",
        data={"created": created, "updated": updated, "unchanged": unchanged},
    )
    return summary
