"""Keeping the registry current (issue 24): a program admin may give each state file a download
address (off by default); a monthly beat job fetches the listing (with its crosswalk and bed
types when they have addresses), and the result waits for review as a staged import, with a
notice to the program admins. Nothing is applied without a person."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.audit.services import record_event
from portal.files.csvio import CsvImportError
from portal.files.downloads import DownloadError, download
from portal.models import RegistryImport, StateFileAddress, StateSource, User
from portal.notifications.kinds import NoticeKind
from portal.notifications.recipients import program_admins
from portal.registry.state_import import StateFile, stage_registry_import

log = logging.getLogger(__name__)

REGISTRY_IMPORT_WAITING = NoticeKind(
    key="registry_import_waiting",
    label="Registry update waiting for review",
    title="A registry update from the state's files is waiting for review",
    description="When the monthly fetch of the CDPH listing finds changes to review.",
    recipients=program_admins,
    audience="plan",
)


def source_addresses() -> list[StateFileAddress]:
    """One row per source, in the order of StateSource (unsaved when never set)."""
    stored = {a.source: a for a in StateFileAddress.objects.all()}
    return [stored.get(source) or StateFileAddress(source=source) for source in StateSource]


@transaction.atomic
def save_addresses(*, values: dict[str, dict[str, Any]], actor: User) -> None:
    for source, data in values.items():
        address, _ = StateFileAddress.objects.select_for_update().get_or_create(source=source)
        url, enabled = data.get("url") or "", bool(data.get("enabled"))
        if (address.url, address.enabled) == (url, enabled):
            continue
        address.url, address.enabled, address.updated_by = url, enabled, actor
        address.save()
        record_event(
            actor=actor,
            action="registry.download_address_set",
            target=address,
            reason=f"{address.get_source_display()}: {url or 'off'}",
            data={"url": url, "enabled": enabled},
        )


@dataclass(frozen=True)
class RefreshOutcome:
    status: str  # off, unchanged, staged, failed
    message: str
    registry_import_id: int | None = None


def _note(address: StateFileAddress, outcome: str, sha256: str = "") -> None:
    address.last_fetched_at = timezone.now()
    address.last_outcome = outcome[:300]
    fields = ["last_fetched_at", "last_outcome"]
    if sha256:
        address.last_sha256 = sha256
        fields.append("last_sha256")
    address.save(update_fields=fields)


def refresh_registry_from_state(*, timeout: float = 120.0) -> RefreshOutcome:
    """Fetch the listing and its companions; stage an import unless the listing is the same
    file as last time. A failure is recorded on the address and reported, never raised."""
    addresses = {a.source: a for a in StateFileAddress.objects.all() if a.is_on}
    listing_address = addresses.get(StateSource.LISTING)
    if listing_address is None:
        return RefreshOutcome("off", "No download address is switched on for the listing.")
    limit = settings.STATE_FILE_MAX_BYTES
    with tempfile.TemporaryDirectory() as folder:
        fetched: dict[str, StateFile] = {}
        for source in (StateSource.LISTING, StateSource.CROSSWALK, StateSource.BED_TYPES):
            address = addresses.get(source)
            if address is None:
                continue
            try:
                got = download(address.url, Path(folder) / source, max_bytes=limit, timeout=timeout)
            except DownloadError as exc:
                _note(address, f"failed: {exc}")
                log.warning("state file refresh: %s", exc)
                return RefreshOutcome("failed", str(exc))
            fetched[source] = StateFile(source, got.path, got.name)
            if source == StateSource.LISTING and got.sha256 == address.last_sha256:
                _note(address, "unchanged since the last fetch")
                return RefreshOutcome("unchanged", "The listing is the same file as last time.")
            address.last_sha256 = got.sha256
        try:
            staged = _stage(fetched)
        except CsvImportError as exc:
            message = f"refused: {str(exc).splitlines()[0]}"
            _note(listing_address, message)
            return RefreshOutcome("failed", message)
    for key in fetched:
        _note(addresses[key], f"staged as registry import #{staged.pk}", addresses[key].last_sha256)
    return RefreshOutcome("staged", f"Registry import #{staged.pk} waits for review.", staged.pk)


@transaction.atomic
def _stage(fetched: dict[str, StateFile]) -> RegistryImport:
    from portal.notifications.services import schedule_notice

    staged = stage_registry_import(
        listing=fetched[StateSource.LISTING],
        crosswalk=fetched.get(StateSource.CROSSWALK),
        bed_types=fetched.get(StateSource.BED_TYPES),
        origin=RegistryImport.Origin.DOWNLOAD,
    )
    schedule_notice(
        kind=REGISTRY_IMPORT_WAITING.key,
        subject=staged,
        due_at=timezone.now(),
        link=staged.get_absolute_url(),
        data={"counts": staged.counts},
    )
    return staged
