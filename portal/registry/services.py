"""Writes of the facility registry: the registry import (contract §1 facilities.csv)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction

from portal.audit.services import (
    record_event,
    record_revision,
)
from portal.files.csvio import (
    CsvImportError,
    RowError,
    length_errors,
    model_text_limits,
    parse_int,
    read_csv,
    require,
)
from portal.models import (
    Facility,
    FacilityType,
    Organisation,
    OrganisationKind,
    User,
)
from portal.registry.models import (
    validate_hcai_id,
    validate_npi,
)

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


FACILITY_TEXT_LIMITS = model_text_limits(
    Facility, ("npi", "hcai_id", "cdph_facid", "name", "county", "email")
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
    errors += length_errors(row, FACILITY_TEXT_LIMITS, line)
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

    other_kinds = (
        Organisation.objects.filter(npi__in=parsed)
        .exclude(kind=OrganisationKind.SNF)
        .values_list("npi", "kind")
    )
    for npi, kind in other_kinds:
        errors.append(
            RowError(
                first_line[npi],
                "npi",
                f"NPI {npi} belongs to an organisation of another kind "
                f"({OrganisationKind(kind).label}), not a SNF",
            )
        )
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


def bulk_create_facilities(
    facilities: Iterable[Facility], *, batch_size: int = 1000
) -> list[Facility]:
    """Insert many new facilities at once: Django's ``bulk_create`` does not do multi-table
    children, so the organisations go in first and the facility rows with their ids."""
    facilities = list(facilities)
    parent_fields = [f for f in Organisation._meta.concrete_fields if not f.primary_key]
    for facility in facilities:
        facility.kind = OrganisationKind.SNF
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(**{f.attname: getattr(x, f.attname) for f in parent_fields})
            for x in facilities
        ],
        batch_size=batch_size,
    )
    child_fields = [f for f in Facility._meta.local_concrete_fields if not f.generated]
    for facility, organisation in zip(facilities, organisations, strict=True):
        facility.organisation_ptr_id = organisation.pk
        for field in parent_fields:
            setattr(facility, field.attname, getattr(organisation, field.attname))
        facility._state.adding = False
        facility._state.db = "default"
    table = connection.ops.quote_name(Facility._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in child_fields)
    marks = ", ".join(["%s"] * len(child_fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 (model names)
            [
                [f.get_db_prep_save(getattr(x, f.attname), connection) for f in child_fields]
                for x in facilities
            ],
        )
    return facilities
