"""Keeping the registry current (issue 24): a program admin may give each state file a download
address (off by default); a monthly beat job fetches the listing (with its crosswalk and bed
types when they have addresses), and the result waits for review as a staged import, with a
notice to the program admins. Nothing is applied without a person."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.audit.services import record_event
from portal.files.csvio import CsvImportError
from portal.files.downloads import DownloadError, download
from portal.models import FetchedStateFile, RegistryImport, StateFileAddress, StateSource, User
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


STATE_FILE_WAITING = NoticeKind(
    key="state_file_waiting",
    label="Fetched state file waiting for review",
    title="A file fetched from the state is waiting for review",
    description="When the monthly fetch brings a new CDPH enforcement actions file to import.",
    recipients=program_admins,
    audience="plan",
)


@dataclass(frozen=True)
class FetchedFileHandler:
    """What an app does with a fetched file of its source: ``preview(path, name)`` says what an
    import would do (counts, nothing stored; raises CsvImportError for a bad file) and
    ``apply(path=, name=, actor=)`` imports it (returns a one-line summary)."""

    title: str
    preview: Callable[[Path, str], dict[str, int]]
    apply: Callable[..., str]


# source -> handler, filled by the apps' AppConfig.ready (WQIP: the enforcement actions)
FETCHED_FILE_HANDLERS: dict[str, FetchedFileHandler] = {}


def register_fetched_file_handler(source: str, handler: FetchedFileHandler) -> None:
    FETCHED_FILE_HANDLERS[source] = handler


def source_addresses() -> list[StateFileAddress]:
    """One row per source someone reads, in the order of StateSource (unsaved when never
    set): the registry's three, and those an app registered a handler for."""
    stored = {a.source: a for a in StateFileAddress.objects.all()}
    sources = [s for s in StateSource if s in REGISTRY_SOURCES or s in FETCHED_FILE_HANDLERS]
    return [stored.get(source) or StateFileAddress(source=source) for source in sources]


REGISTRY_SOURCES = (StateSource.LISTING, StateSource.CROSSWALK, StateSource.BED_TYPES)


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


def _refusal(exc: CsvImportError) -> str:
    more = f" (and {len(exc.errors) - 1} more)" if len(exc.errors) > 1 else ""
    return f"refused: {exc.source}: {exc.errors[0]}{more}"


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
            message = _refusal(exc)
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


def refresh_fetched_files(*, timeout: float = 120.0) -> list[RefreshOutcome]:
    """Fetch each switched-on source an app handles (the enforcement actions); a new file waits
    for review with the app's preview and a notice to the program admins."""
    outcomes = []
    for address in StateFileAddress.objects.filter(source__in=list(FETCHED_FILE_HANDLERS)):
        if address.is_on:
            outcomes.append(_fetch_one(address, FETCHED_FILE_HANDLERS[address.source], timeout))
    return outcomes


def _fetch_one(
    address: StateFileAddress, handler: FetchedFileHandler, timeout: float
) -> RefreshOutcome:
    from django.core.files import File

    from portal.notifications.services import schedule_notice

    with tempfile.TemporaryDirectory() as folder:
        try:
            got = download(
                address.url,
                Path(folder) / address.source,
                max_bytes=settings.STATE_FILE_MAX_BYTES,
                timeout=timeout,
            )
        except DownloadError as exc:
            _note(address, f"failed: {exc}")
            return RefreshOutcome("failed", str(exc))
        if got.sha256 == address.last_sha256:
            _note(address, "unchanged since the last fetch")
            return RefreshOutcome("unchanged", f"{handler.title}: the same file as last time.")
        try:
            preview = handler.preview(got.path, got.name)
        except CsvImportError as exc:
            message = _refusal(exc)
            _note(address, message)
            return RefreshOutcome("failed", message)
        with transaction.atomic(), open(got.path, "rb") as handle:
            fetched = FetchedStateFile(
                source=address.source,
                name=got.name,
                size=got.size,
                sha256=got.sha256,
                preview=preview,
            )
            fetched.file.save(f"{got.sha256[:16]}.bin", File(handle), save=False)
            fetched.save()
            schedule_notice(
                kind=STATE_FILE_WAITING.key,
                subject=fetched,
                due_at=timezone.now(),
                link=fetched.get_absolute_url(),
                data={"source": address.get_source_display()},
            )
    _note(address, f"waiting for review (#{fetched.pk})", got.sha256)
    return RefreshOutcome("staged", f"{handler.title} #{fetched.pk} waits for review.", fetched.pk)


class FetchedFileNotPending(Exception):
    pass


@transaction.atomic
def decide_fetched_file(*, fetched: FetchedStateFile, actor: User, apply: bool) -> str:
    """Import (``apply``) or discard a fetched file; once."""
    locked = FetchedStateFile.objects.select_for_update().get(pk=fetched.pk)
    if not locked.is_pending:
        raise FetchedFileNotPending(f"This file was {locked.get_status_display().lower()} already.")
    outcome = "discarded"
    if apply:
        handler = FETCHED_FILE_HANDLERS[locked.source]
        outcome = handler.apply(path=Path(locked.file.path), name=locked.name, actor=actor)
    locked.status = locked.Status.IMPORTED if apply else locked.Status.DISCARDED
    locked.outcome = outcome[:300]
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.save(update_fields=["status", "outcome", "decided_by", "decided_at"])
    record_event(
        actor=actor,
        action="registry.fetched_file_imported" if apply else "registry.fetched_file_discarded",
        target=locked,
        reason=f"{locked.get_source_display()}: {locked.name}",
        data={"outcome": outcome[:300]},
    )
    return outcome
