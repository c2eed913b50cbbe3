"""record_event: the one way services write an AuditEvent row."""

from __future__ import annotations

from typing import Any

from django.db import models

from portal.models import AuditEvent, User


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
