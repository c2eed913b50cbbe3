"""Per-diem exhibits (contract §1 per_diems.csv): imported all or nothing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from portal.audit.services import (
    record_event,
    record_revision,
)
from portal.files.csvio import (
    CsvImportError,
    RowError,
    read_csv,
    require,
)
from portal.models import Facility, User
from programs.wqip.models import (
    ExhibitKind,
    PerDiem,
    PerDiemExhibit,
)

PER_DIEM_PLACES = 4
PER_DIEM_MAX_DIGITS = PerDiem._meta.get_field("per_diem").max_digits or 12  # type: ignore[union-attr]


@dataclass(frozen=True)
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    deleted: int = 0

    def __str__(self) -> str:
        parts = [f"{self.created} created", f"{self.updated} updated"]
        parts.append(f"{self.unchanged} unchanged")
        if self.deleted:
            parts.append(f"{self.deleted} replaced")
        parts.append(f"{self.skipped} skipped")
        return ", ".join(parts)


# --- per-diem exhibits ------------------------------------------------------------------------


def _parse_per_diem(text: str) -> Decimal:
    from decimal import InvalidOperation

    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"'{text}' is not an amount in dollars (e.g. 19.8750)") from None
    if not value.is_finite():
        raise ValueError(f"'{text}' is not an amount in dollars (e.g. 19.8750)")
    if value.adjusted() >= PER_DIEM_MAX_DIGITS - PER_DIEM_PLACES:
        raise ValueError(f"'{text[:40]}' is too large for a per diem")
    quantized = value.quantize(Decimal(1).scaleb(-PER_DIEM_PLACES))
    if quantized != value:
        raise ValueError(f"'{text}' has more than {PER_DIEM_PLACES} decimal places")
    if value < 0:
        raise ValueError(f"'{text}' is negative")
    return quantized


@transaction.atomic
def import_per_diems(
    *,
    path: Path | str,
    program_year: int,
    kind: str,
    received_on: datetime.date,
    actor: User | None = None,
    source_name: str = "",
) -> ImportSummary:
    """Load a DHCS exhibit (contract §1 per_diems.csv). All or nothing; re-importing the same
    program year and kind replaces its per diems (runs already made keep their own copies)."""
    if kind not in ExhibitKind.values:
        raise CsvImportError([RowError(0, "", f"exhibit must be interim or final, not {kind!r}")])
    rows = read_csv(path, required=("facility_npi", "per_diem"))
    facilities = dict(Facility.objects.values_list("npi", "id"))
    errors: list[RowError] = []
    parsed: dict[int, Decimal] = {}
    first_line: dict[str, int] = {}
    for line, row in rows:
        row_errors = require(row, ("facility_npi", "per_diem"), line)
        npi = row["facility_npi"]
        if npi and npi not in facilities:
            reason = (
                f"unknown facility NPI {npi}"
                if npi.isdigit() and len(npi) == 10
                else f"'{npi}' is not a 10-digit NPI"
            )
            row_errors.append(RowError(line, "facility_npi", reason))
        elif npi in first_line:
            row_errors.append(
                RowError(line, "facility_npi", f"NPI {npi} already on line {first_line[npi]}")
            )
        value = None
        if row["per_diem"]:
            try:
                value = _parse_per_diem(row["per_diem"])
            except ValueError as exc:
                row_errors.append(RowError(line, "per_diem", str(exc)))
        errors += row_errors
        if npi:
            first_line.setdefault(npi, line)
        if not row_errors and value is not None:
            parsed[facilities[npi]] = value
    if errors:
        raise CsvImportError(errors, str(path))

    name = source_name or Path(path).name
    exhibit, created = PerDiemExhibit.objects.select_for_update().get_or_create(
        program_year=program_year,
        kind=kind,
        defaults={
            "received_on": received_on,
            "imported_at": timezone.now(),
            "imported_by": actor if actor is not None and actor.pk else None,
            "source_name": name,
        },
    )
    replaced = 0
    if not created:
        replaced, _ = PerDiem.objects.filter(exhibit=exhibit).delete()
        exhibit.received_on = received_on
        exhibit.imported_at = timezone.now()
        exhibit.imported_by = actor if actor is not None and actor.pk else None
        exhibit.source_name = name
        exhibit.save()
    PerDiem.objects.bulk_create(
        PerDiem(exhibit=exhibit, facility_id=facility_id, per_diem=value)
        for facility_id, value in parsed.items()
    )
    record_revision(kind="per_diems", program_year=program_year, actor=actor, detail=name)
    record_event(
        actor=actor,
        action="per_diems.imported",
        target=exhibit,
        reason=f"import of {name}",
        data={"per_diems": len(parsed), "replaced": replaced, "received_on": str(received_on)},
    )
    return ImportSummary(created=len(parsed), deleted=replaced)
