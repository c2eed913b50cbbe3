"""Writes for the core domain: facilities registry, program years and opt-in decisions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from portal.audit import record_event, record_revision
from portal.csvio import CsvImportError, RowError, parse_int, read_csv, require
from portal.models import Facility, FacilityType, OptIn, OptInTransition, ProgramYear, User
from portal.models.facilities import validate_hcai_id, validate_npi

FACILITY_COLUMNS = (
    "npi",
    "hcai_id",
    "cdph_facid",
    "name",
    "facility_type",
    "licensed_beds",
    "stp_beds",
    "county",
)


@dataclass(frozen=True)
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def __str__(self) -> str:
        parts = [
            f"{self.created} created",
            f"{self.updated} updated",
            f"{self.unchanged} unchanged",
        ]
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        return ", ".join(parts)


def _validator_errors(validator, value: str, line: int, column: str) -> list[RowError]:  # type: ignore[no-untyped-def]
    try:
        validator(value)
    except ValidationError as exc:
        return [RowError(line, column, " ".join(exc.messages))]
    return []


def _parse_facility_row(line: int, row: dict[str, str]) -> tuple[dict, list[RowError]]:  # type: ignore[type-arg]
    errors = require(row, ("npi", "hcai_id", "cdph_facid", "name", "facility_type"), line)
    values: dict = {}  # type: ignore[type-arg]
    if row["npi"]:
        errors += _validator_errors(validate_npi, row["npi"], line, "npi")
    if row["hcai_id"]:
        errors += _validator_errors(validate_hcai_id, row["hcai_id"], line, "hcai_id")
    if row["facility_type"] and row["facility_type"] not in FacilityType.values:
        errors.append(
            RowError(
                line,
                "facility_type",
                f"unknown facility type '{row['facility_type']}' "
                f"(expected one of {', '.join(FacilityType.values)})",
            )
        )
    for column in ("licensed_beds", "stp_beds"):
        try:
            values[column] = parse_int(row[column] or ("0" if column == "stp_beds" else ""))
        except ValueError as exc:
            errors.append(RowError(line, column, str(exc)))
    if not errors and values["stp_beds"] > values["licensed_beds"]:
        errors.append(RowError(line, "stp_beds", "STP beds exceed licensed beds"))
    email = row.get("email", "")
    if email:
        errors += _validator_errors(validate_email, email, line, "email")
    values.update(
        hcai_id=row["hcai_id"],
        cdph_facid=row["cdph_facid"],
        name=row["name"],
        facility_type=row["facility_type"],
        county=row["county"],
        email=email,
    )
    return values, errors


@transaction.atomic
def import_facilities(*, path: Path | str, actor: User | None = None) -> ImportSummary:
    """Load the registry (contract §1); re-importing an NPI updates it. All or nothing."""
    rows = read_csv(path, required=FACILITY_COLUMNS, optional=("email",))
    parsed: dict[str, dict] = {}  # type: ignore[type-arg]
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        values, row_errors = _parse_facility_row(line, row)
        errors += row_errors
        npi = row["npi"]
        if npi in first_line and not row_errors:
            errors.append(RowError(line, "npi", f"NPI {npi} already on line {first_line[npi]}"))
        first_line.setdefault(npi, line)
        parsed[npi] = values
    if errors:
        raise CsvImportError(errors, str(path))

    existing = {f.npi: f for f in Facility.objects.select_for_update().filter(npi__in=parsed)}
    created = updated = unchanged = 0
    for npi, values in parsed.items():
        facility = existing.get(npi)
        if facility is None:
            Facility.objects.create(npi=npi, **values)
            created += 1
            continue
        changed = [k for k, v in values.items() if getattr(facility, k) != v]
        if not changed:
            unchanged += 1
            continue
        for key in changed:
            setattr(facility, key, values[key])
        facility.save(update_fields=[*changed, "updated_at"])
        updated += 1
    summary = ImportSummary(created=created, updated=updated, unchanged=unchanged)
    if created or updated:
        record_revision(kind="facilities", actor=actor, detail=Path(path).name)
    record_event(
        actor=actor,
        action="facilities.imported",
        reason=f"import of {Path(path).name}",
        data={"created": created, "updated": updated, "unchanged": unchanged},
    )
    return summary


OPT_IN_STATUS_FROM_FILE = {
    "APPROVED": OptIn.Status.APPROVED,
    "REJECTED": OptIn.Status.REJECTED,
    "SUBMITTED": OptIn.Status.SUBMITTED,
}


@transaction.atomic
def import_opt_ins(*, path: Path | str, actor: User | None = None) -> ImportSummary:
    """Bulk load of opt-in decisions (contract §1 opt_ins.csv). All or nothing.

    Several rows for one facility and year: an APPROVED row wins (contract: a facility is
    opted in when one of its records for the year is APPROVED), else the last row.
    """
    rows = read_csv(path, required=("facility_npi", "program_year", "status"))
    facilities = dict(Facility.objects.values_list("npi", "id"))
    years = {py.year: py for py in ProgramYear.objects.all()}
    errors: list[RowError] = []
    decided: dict[tuple[int, int], str] = {}
    for line, row in rows:
        row_errors = require(row, ("facility_npi", "program_year", "status"), line)
        npi, year_text, status_text = row["facility_npi"], row["program_year"], row["status"]
        if npi and npi not in facilities:
            row_errors.append(RowError(line, "facility_npi", f"unknown facility NPI {npi}"))
        year = int(year_text) if year_text.isdigit() else None
        if year_text and year not in years:
            known = ", ".join(str(y) for y in sorted(years))
            row_errors.append(
                RowError(line, "program_year", f"'{year_text}' is not a program year ({known})")
            )
        status = OPT_IN_STATUS_FROM_FILE.get(status_text.upper())
        if status_text and status is None:
            row_errors.append(
                RowError(line, "status", f"'{status_text}' is not APPROVED, REJECTED or SUBMITTED")
            )
        errors += row_errors
        if row_errors or year is None or status is None:
            continue
        key = (facilities[npi], year)
        if decided.get(key) != OptIn.Status.APPROVED:
            decided[key] = status
    if errors:
        raise CsvImportError(errors, str(path))

    created = updated = unchanged = 0
    for (facility_id, year), status in decided.items():
        opt_in, was_created = OptIn.objects.select_for_update().get_or_create(
            facility_id=facility_id,
            program_year=years[year],
            defaults={"status": status, "source": "import"},
        )
        if was_created:
            OptInTransition.objects.create(
                opt_in=opt_in, to_status=status, actor=actor, reason=f"import of {Path(path).name}"
            )
            created += 1
        elif opt_in.status != status:
            old = opt_in.status
            opt_in.status = status
            opt_in.save(update_fields=["status", "updated_at"])
            OptInTransition.objects.create(
                opt_in=opt_in,
                from_status=old,
                to_status=status,
                actor=actor,
                reason=f"import of {Path(path).name}",
            )
            record_event(
                actor=actor,
                action="opt_in.status_imported",
                target=opt_in,
                reason=f"import of {Path(path).name}",
                data={"from": old, "to": status},
            )
            updated += 1
        else:
            unchanged += 1
    for year in sorted({year for (_, year) in decided}):
        record_revision(kind="opt_ins", program_year=year, actor=actor, detail=Path(path).name)
    record_event(
        actor=actor,
        action="opt_ins.imported",
        reason=f"import of {Path(path).name}",
        data={"created": created, "updated": updated, "unchanged": unchanged},
    )
    return ImportSummary(created=created, updated=updated, unchanged=unchanged)
