"""CDPH citations (contract §1 citations.csv, §3): imported all or nothing."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.db import connection, transaction

from portal.audit.services import (
    record_event,
    record_revision,
)
from portal.models import Facility, User
from programs.wqip.models import (
    Citation,
)
from programs.wqip.services.citation_files import read_citations
from programs.wqip.services.per_diems import ImportSummary


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


CITATION_FIELDS = (
    "facid",
    "facility_id",
    "penalty_issue_date",
    "violation_from_date",
    "class_initial",
    "class_final",
)
BATCH = 5000
CITATIONS_LOCK_KEY = 7_340_024


@transaction.atomic
def import_citations(
    *, path: Path | str, actor: User | None = None, source_name: str = ""
) -> ImportSummary:
    """Load CDPH enforcement actions: our CSV extract, the State Enforcement Actions workbook
    (XLSX) or the dashboard export (CSV or XLSX), told apart by their headers (contract §1).
    Rows for FACIDs not in the registry are skipped and counted, never stored; PENALTY_NUMBER
    is the key (a re-import updates; penalties absent from the file are kept). The class text
    is stored as written. All or nothing."""
    name = source_name or Path(path).name
    by_facid = FacilityByFacid()
    read = read_citations(path, keep=lambda facid: by_facid.get(facid) is not None, what=name)
    parsed = {
        number: {
            "facid": record.facid,
            "facility_id": by_facid.get(record.facid),
            "penalty_issue_date": record.penalty_issue_date,
            "violation_from_date": record.violation_from_date,
            "class_initial": record.class_initial,
            "class_final": record.class_final,
        }
        for number, record in read.records.items()
    }
    with connection.cursor() as cursor:  # one citations import at a time
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CITATIONS_LOCK_KEY])
    # one read of what is stored (the registry's penalties, not the state's 41,000)
    existing = {
        row[0]: row[1:]
        for row in Citation.objects.filter(penalty_number__in=list(parsed))
        .order_by()
        .values_list("penalty_number", *CITATION_FIELDS)
    }
    new: list[Citation] = []
    changed: list[Citation] = []
    unchanged = 0
    for number, values in parsed.items():
        stored = existing.get(number)
        if stored is None:
            new.append(Citation(penalty_number=number, **values))
        elif stored != tuple(values[f] for f in CITATION_FIELDS):
            changed.append(Citation(penalty_number=number, **values))
        else:
            unchanged += 1
    Citation.objects.bulk_create(new, batch_size=BATCH)
    Citation.objects.bulk_create(
        changed,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["penalty_number"],
        update_fields=[*CITATION_FIELDS, "updated_at"],
    )
    created, updated = len(new), len(changed)
    if created or updated:
        record_revision(kind="citations", actor=actor, detail=name)
    summary = ImportSummary(
        created=created, updated=updated, unchanged=unchanged, skipped=read.outside
    )
    record_event(
        actor=actor,
        action="citations.imported",
        reason=f"import of {name}",
        data={
            "created": created,
            "updated": updated,
            "unchanged": unchanged,
            "skipped": read.outside,
            "rows": read.rows,
            "format": read.kind,
        },
    )
    return summary


def preview_citations(path: Path, name: str = "") -> dict[str, int]:
    """What importing the file would do, stored nowhere (a fetched file waiting for review)."""
    with transaction.atomic():
        summary = import_citations(path=path, source_name=name)
        transaction.set_rollback(True)
    return {
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "skipped": summary.skipped,
    }


def apply_fetched_citations(*, path: Path, name: str, actor: User | None) -> str:
    return f"citations: {import_citations(path=path, actor=actor, source_name=name)}"
