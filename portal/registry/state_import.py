"""Writes of the registry from the state's files (issue 24): stage an import (read the files,
compare with the registry, store the diff), then apply it or discard it. Applying changes only
what the diff lists, records who did it (an audit event per import and per facility) and never
deletes a facility; payment runs and ledger entries are not touched."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from portal.audit.services import record_event, record_revision
from portal.models import Facility, RegistryImport, StateSource, User
from portal.registry.state_diff import NEW, Current, diff_registry
from portal.registry.state_files import read_state_registry

DIFF_FIELDS = (
    "name",
    "npi",
    "cdph_facid",
    "hcai_id",
    "ccn",
    "facility_type",
    "licensed_beds",
    "stp_beds",
    "licence_status",
    "licence_active",
    "county",
    "address",
)


class ImportNotPending(Exception):
    """The import was applied or discarded already, or the registry changed since it was read."""


@dataclass(frozen=True)
class StateFile:
    source: str  # StateSource value
    path: Path
    name: str  # as uploaded or fetched

    def describe(self) -> dict[str, object]:
        digest = hashlib.sha256()
        with open(self.path, "rb") as handle:
            while chunk := handle.read(1 << 16):
                digest.update(chunk)
        return {
            "source": self.source,
            "name": self.name,
            "size": self.path.stat().st_size,
            "sha256": digest.hexdigest(),
        }


def registry_fingerprint() -> str:
    """Changes whenever a facility is added or saved: an import applies only to the registry
    it was compared with."""
    figures = Facility.objects.aggregate(count=Count("id"), latest=Max("updated_at"))
    latest = figures["latest"].isoformat() if figures["latest"] else "-"
    return f"{figures['count']}:{latest}"


def current_registry() -> list[Current]:
    return [
        Current(id=row[0], **dict(zip(DIFF_FIELDS, row[1:], strict=True)))
        for row in Facility.objects.order_by("id").values_list("id", *DIFF_FIELDS)
    ]


@transaction.atomic
def stage_registry_import(
    *,
    listing: StateFile,
    crosswalk: StateFile | None = None,
    bed_types: StateFile | None = None,
    actor: User | None = None,
    origin: str = RegistryImport.Origin.UPLOAD,
) -> RegistryImport:
    """Read the files and store what they would change. Raises CsvImportError (line, column,
    cause) for a bad file; then nothing is stored."""
    read, records = read_state_registry(
        listing.path,
        crosswalk_path=crosswalk.path if crosswalk else None,
        beds_path=bed_types.path if bed_types else None,
        names={
            StateSource.LISTING: listing.name,
            StateSource.CROSSWALK: crosswalk.name if crosswalk else "",
            StateSource.BED_TYPES: bed_types.name if bed_types else "",
        },
    )
    diff = diff_registry(current_registry(), records)
    staged = RegistryImport.objects.create(
        origin=origin,
        files=[f.describe() for f in (listing, crosswalk, bed_types) if f is not None],
        vintage={
            "id_column": read.id_column,
            "data_date": read.data_date,
            "facilities": len(read.facilities),
            "other_types": read.other_types,
        },
        counts=diff.counts(),
        changes=[change.as_data() for change in diff.changes],
        not_added=diff.not_added,
        registry_fingerprint=registry_fingerprint(),
        created_by=actor if actor is not None and actor.pk else None,
    )
    record_event(
        actor=actor,
        action="registry.import_staged",
        target=staged,
        reason=f"read {listing.name}",
        data=staged.counts,
    )
    return staged


def _email_or_blank(value: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


@transaction.atomic
def apply_registry_import(*, registry_import: RegistryImport, actor: User | None) -> RegistryImport:
    """Make the listed changes. Refused (ImportNotPending) when the import is no longer waiting
    or the registry changed since it was read (then read the files again)."""
    staged = RegistryImport.objects.select_for_update().get(pk=registry_import.pk)
    if not staged.is_pending:
        raise ImportNotPending(f"This import was {staged.get_status_display().lower()} already.")
    list(Facility.objects.select_for_update().order_by("id").values_list("id", flat=True))
    if registry_fingerprint() != staged.registry_fingerprint:
        raise ImportNotPending(
            "The registry changed since these files were read. Discard this import and "
            "upload the files again to see the changes against the registry as it is now."
        )
    facilities = Facility.objects.in_bulk(
        [c["facility_id"] for c in staged.changes if c["facility_id"]]
    )
    for change in staged.changes:
        values = dict(change["values"])
        if change["kind"] == NEW:
            values["email"] = _email_or_blank(values.get("email", ""))
            facility = Facility.objects.create(**values)
            data = {"import": staged.pk, "new": True}
        else:
            facility = facilities[change["facility_id"]]
            for key, value in values.items():
                setattr(facility, key, value)
            facility.save(update_fields=[*values, "updated_at"])
            data = {"import": staged.pk, "changes": change["changes"]}
        record_event(
            actor=actor,
            action="facility.updated_from_state_files",
            target=facility,
            reason=f"registry import #{staged.pk} ({change['kind']})",
            data=data,
        )
    staged.status = RegistryImport.Status.APPLIED
    staged.decided_by = actor if actor is not None and actor.pk else None
    staged.decided_at = timezone.now()
    staged.save(update_fields=["status", "decided_by", "decided_at"])
    if staged.changes:
        record_revision(kind="facilities", actor=actor, detail=f"registry import #{staged.pk}")
    record_event(
        actor=actor,
        action="registry.import_applied",
        target=staged,
        reason=f"applied {staged.listing_name}",
        data=staged.counts,
    )
    return staged


@transaction.atomic
def discard_registry_import(
    *, registry_import: RegistryImport, actor: User | None
) -> RegistryImport:
    staged = RegistryImport.objects.select_for_update().get(pk=registry_import.pk)
    if not staged.is_pending:
        raise ImportNotPending(f"This import was {staged.get_status_display().lower()} already.")
    staged.status = RegistryImport.Status.DISCARDED
    staged.decided_by = actor if actor is not None and actor.pk else None
    staged.decided_at = timezone.now()
    staged.save(update_fields=["status", "decided_by", "decided_at"])
    record_event(
        actor=actor,
        action="registry.import_discarded",
        target=staged,
        reason=f"discarded {staged.listing_name}",
        data=staged.counts,
    )
    return staged
