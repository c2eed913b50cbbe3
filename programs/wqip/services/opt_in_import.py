"""Bulk load of opt-in decisions (contract §1 opt_ins.csv)."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

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
from portal.models import (
    Facility,
    User,
)
from portal.params import int_param
from portal.registry.services import ImportSummary
from programs.wqip.models import (
    OptIn,
    OptInTransition,
    ProgramYear,
)

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
        year = int_param(year_text)
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
    for (facility_id, year), decision in decided.items():
        opt_in, was_created = OptIn.objects.select_for_update().get_or_create(
            facility_id=facility_id,
            program_year=years[year],
            defaults={"status": decision, "source": "import"},
        )
        if was_created:
            OptInTransition.objects.create(
                opt_in=opt_in,
                to_status=decision,
                actor=actor,
                reason=f"import of {Path(path).name}",
            )
            created += 1
        elif opt_in.status != decision:
            old = opt_in.status
            opt_in.status = decision
            opt_in.save(update_fields=["status", "updated_at"])
            OptInTransition.objects.create(
                opt_in=opt_in,
                from_status=old,
                to_status=decision,
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
