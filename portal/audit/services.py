"""record_event: the one way services write an AuditEvent row."""

from __future__ import annotations

from typing import Any

from django.db import models

from portal.models import AccessLogEntry, AuditEvent, DataRevision, Facility, User


def record_event(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:250] if target is not None else "",
        reason=reason,
        data=data or {},
    )


def log_access(
    *,
    user: User,
    what: str,
    path: str,
    row_count: int,
    masked: bool,
    facility: Facility | None = None,
    facility_id: int | None = None,
) -> AccessLogEntry:
    """The one way a view of member-level rows is written to the access log (contract §6).
    The facility as a row, or its id alone (a page served from the cache)."""
    return AccessLogEntry.objects.create(
        user=user,
        facility_id=facility.pk if facility is not None else facility_id,
        what=what[:120],
        path=path[:500],
        row_count=row_count,
        masked=masked,
    )


def record_revision(
    *, kind: str, program_year: int | None = None, actor: User | None = None, detail: str = ""
) -> DataRevision:
    """Note that an input of the calculation changed (see DataRevision)."""
    return DataRevision.objects.create(
        kind=kind,
        program_year=program_year,
        actor=actor if actor is not None and actor.pk else None,
        detail=detail[:250],
    )


def latest_revision_id(*, program_year: int) -> int:
    """Newest revision that can affect the program year (0 when there is none)."""
    from django.db.models import Max, Q

    newest = DataRevision.objects.filter(
        Q(program_year=program_year) | Q(program_year__isnull=True)
    ).aggregate(newest=Max("id"))["newest"]
    return newest or 0
