"""CDPH citations (contract §1 citations.csv, §3): imported all or nothing."""

from __future__ import annotations

import datetime
from collections import defaultdict
from pathlib import Path

from django.db import transaction

from portal.audit.services import (
    record_event,
    record_revision,
)
from portal.files.csvio import (
    CsvImportError,
    RowError,
    parse_date,
    read_csv,
    require,
)
from portal.models import Facility, User
from programs.wqip.models import (
    Citation,
)
from programs.wqip.services.per_diems import ImportSummary

# --- citations ----------------------------------------------------------------------------------

CITATION_COLUMNS = (
    "facid",
    "penalty_number",
    "penalty_issue_date",
    "violation_from_date",
    "class_assessed_initial",
    "class_assessed_final",
)


def _facid_key(facid: str) -> str:
    """FACIDs are text; a spreadsheet may have dropped leading zeros, so also match without."""
    return facid.strip().lstrip("0")


class FacilityByFacid:
    def __init__(self) -> None:
        self.exact: dict[str, set[int]] = defaultdict(set)
        self.loose: dict[str, set[int]] = defaultdict(set)
        for facility_id, facid in Facility.objects.values_list("id", "cdph_facid"):
            facid = facid.strip()
            if facid:
                self.exact[facid].add(facility_id)
                self.loose[_facid_key(facid)].add(facility_id)

    def all(self, facid: str) -> list[int]:
        """Facilities with this FACID: exact text first, else the same FACID without leading
        zeros (several facilities may share one FACID)."""
        facid = facid.strip()
        exact = self.exact.get(facid)
        if exact:
            return sorted(exact)
        return sorted(self.loose.get(_facid_key(facid), set())) if facid else []

    def get(self, facid: str) -> int | None:
        matches = self.all(facid)
        return matches[0] if matches else None


def _parse_citation_date(text: str) -> datetime.date | None:
    if not text:
        return None
    if len(text) > 10 and text[10] in " T":  # a timestamp: the date part counts
        text = text[:10]
    return parse_date(text)


@transaction.atomic
def import_citations(*, path: Path | str, actor: User | None = None) -> ImportSummary:
    """Load a CDPH State Enforcement Actions extract (contract §1 citations.csv). Rows for
    FACIDs not in the registry are skipped and counted; PENALTY_NUMBER is the key (a re-import
    updates; penalties absent from the file are kept). All or nothing."""
    rows = read_csv(path, required=CITATION_COLUMNS)
    by_facid = FacilityByFacid()
    errors: list[RowError] = []
    parsed: dict[str, dict] = {}  # type: ignore[type-arg]
    skipped = 0
    for line, row in rows:
        facid = row["facid"]
        facility_id = by_facid.get(facid) if facid else None
        if facility_id is None:  # not in the registry (the statewide file holds every facility)
            skipped += 1
            continue
        row_errors = require(row, ("penalty_number",), line)
        values: dict = {"facid": facid, "facility_id": facility_id}  # type: ignore[type-arg]
        for column, field in (
            ("penalty_issue_date", "penalty_issue_date"),
            ("violation_from_date", "violation_from_date"),
        ):
            try:
                values[field] = _parse_citation_date(row[column])
            except ValueError as exc:
                row_errors.append(RowError(line, column.upper(), str(exc)))
        values["class_initial"] = row["class_assessed_initial"]
        values["class_final"] = row["class_assessed_final"]
        errors += [RowError(e.line, e.column.upper(), e.reason) for e in row_errors]
        if not row_errors:
            parsed[row["penalty_number"]] = values  # a repeated penalty: the later row wins
    if errors:
        raise CsvImportError(errors, str(path))

    existing = {
        c.penalty_number: c
        for c in Citation.objects.select_for_update().filter(penalty_number__in=parsed).order_by()
    }
    created = updated = unchanged = 0
    new: list[Citation] = []
    for number, values in parsed.items():
        citation = existing.get(number)
        if citation is None:
            new.append(Citation(penalty_number=number, **values))
            created += 1
            continue
        changed = [key for key, value in values.items() if getattr(citation, key) != value]
        if not changed:
            unchanged += 1
            continue
        for key in changed:
            setattr(citation, key, values[key])
        citation.save(update_fields=[*changed, "updated_at"])
        updated += 1
    Citation.objects.bulk_create(new)
    name = Path(path).name
    if created or updated:
        record_revision(kind="citations", actor=actor, detail=name)
    summary = ImportSummary(created=created, updated=updated, unchanged=unchanged, skipped=skipped)
    record_event(
        actor=actor,
        action="citations.imported",
        reason=f"import of {name}",
        data={"created": created, "updated": updated, "unchanged": unchanged, "skipped": skipped},
    )
    return summary
