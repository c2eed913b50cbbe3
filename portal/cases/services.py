"""Writes every kind of case shares. The caller (a dispute or inquiry service) checks who may
act and holds the transaction; these write the rows and the audit event.

A case is a model instance with ``events``, ``notes`` and ``attachments`` relations to
subclasses of ``portal.cases.models`` and an ``assignee``; ``audit_prefix`` (a class
attribute, e.g. "dispute") names its audit actions.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from portal.audit.services import record_event
from portal.calendar.dates import plan_holidays
from portal.cases.models import CaseAttachment, CaseEvent, CaseNote
from portal.cases.roles import TEAM_ROLES, is_any_case_worker, is_case_lead, is_case_worker_of
from portal.files.uploads import check_upload
from portal.models import Facility, LiaisonAssignment, Organisation, ScheduledNotice, User
from portal.registry.models import OrganisationKind

ATTACHMENT_TYPES = ("application/pdf", "image/png", "image/jpeg")


def audit_prefix(case: models.Model) -> str:
    return str(getattr(case, "audit_prefix", case._meta.model_name))


def record_case_event(
    case: Any,
    *,
    action: str,
    actor: User | None,
    reason: str = "",
    from_status: str = "",
    internal: bool = False,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """A timeline event and its audit row (call inside the transition's transaction)."""
    event: CaseEvent = case.events.create(
        action=action,
        from_status=from_status,
        to_status=case.status if from_status else "",
        actor=actor if actor is not None and actor.pk else None,
        reason=reason,
        is_internal=internal,
    )
    record_event(
        actor=actor, action=f"{audit_prefix(case)}.{action}", target=case, reason=reason, data=data
    )
    return event


def add_note(*, case: Any, author: User, body: str, visibility: str, **extra: Any) -> CaseNote:
    if not body.strip():
        raise ValidationError("Write a message.")
    note: CaseNote = case.notes.create(
        author=author, body=body.strip(), visibility=visibility, **extra
    )
    record_event(
        actor=author,
        action=f"{audit_prefix(case)}.note_added",
        target=case,
        data={"note": note.pk, "visibility": visibility},
    )
    return note


def can_edit_note(*, note: CaseNote, user: User) -> bool:
    """The author edits their own note; case workers also edit internal ones."""
    if note.author_id == user.pk:
        return True
    return is_any_case_worker(user) and note.is_internal


def edit_note(*, note: CaseNote, case: Any, editor: User, body: str) -> CaseNote:
    """An edit keeps the previous text as a revision (``note.revisions``)."""
    note = type(note)._default_manager.select_for_update().get(pk=note.pk)
    if not can_edit_note(note=note, user=editor):
        raise PermissionDenied
    if not body.strip():
        raise ValidationError("A note cannot be empty.")
    if body.strip() == note.body:
        return note
    note.revisions.create(body=note.body, edited_by=editor)  # type: ignore[attr-defined]
    note.body = body.strip()
    note.edited_at = timezone.now()
    note.save(update_fields=["body", "edited_at"])
    record_event(
        actor=editor,
        action=f"{audit_prefix(case)}.note_edited",
        target=case,
        data={"note": note.pk},
    )
    return note


def store_attachment(
    *, case: Any, upload: UploadedFile, actor: User, **extra: Any
) -> CaseAttachment:
    """Checked like every upload (portal.files.uploads: type by content, size) and kept in
    private storage under a generated name; the case's timeline records it."""
    checked = check_upload(upload, allowed_types=ATTACHMENT_TYPES)
    relation = case.attachments
    attachment: CaseAttachment = relation.model(
        **{relation.field.name: case},
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
        **extra,
    )
    attachment.file.save(checked.original_name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.stored_name)
        raise
    record_case_event(case, action="attachment_added", actor=actor, reason=checked.original_name)
    return attachment


def copy_attachment(*, source: CaseAttachment, case: Any, actor: User) -> CaseAttachment:
    """The same file kept again on another case (e.g. an inquiry turned into a dispute)."""
    relation = case.attachments
    copy: CaseAttachment = relation.model(
        **{relation.field.name: case},
        original_name=source.original_name,
        content_type=source.content_type,
        size=source.size,
        sha256=source.sha256,
        uploaded_by=actor,
    )
    with source.file.open("rb") as handle:
        copy.file.save(source.original_name, handle, save=False)
    try:
        copy.save()
    except Exception:
        copy.file.storage.delete(copy.stored_name)
        raise
    return copy


def check_assignee(assignee: User, kind: str = OrganisationKind.SNF) -> None:
    if not (assignee.is_active and (assignee.role in TEAM_ROLES[kind] or assignee.is_superuser)):
        raise ValidationError("Cases can only be assigned to the plan team of the organisation.")


def may_assign(
    *, actor: User, case: Any, assignee: User | None, kind: str = OrganisationKind.SNF
) -> bool:
    """Leads (program administrators) assign and reassign any case; a liaison takes an
    unassigned case for themselves and hands on a case they hold."""
    if is_case_lead(actor):
        return True
    if not is_case_worker_of(actor, kind):
        return False
    if case.assignee_id is None:
        return assignee is not None and assignee.pk == actor.pk
    return bool(case.assignee_id == actor.pk)


def assign(
    *,
    case: Any,
    assignee: User | None,
    actor: User,
    reason: str = "",
    kind: str = OrganisationKind.SNF,
) -> bool:
    """Give the (locked) case to ``assignee`` (None: back to the team queue). The clocks stay
    as they are: they belong to the case. Returns whether anything changed."""
    if assignee is not None:
        check_assignee(assignee, kind)
    if case.assignee_id == (assignee.pk if assignee else None):
        return False
    before = case.assignee
    case.assignee = assignee
    case.save(update_fields=["assignee", "updated_at"])
    record_case_event(
        case,
        action="assigned" if before is None else "reassigned",
        actor=actor,
        reason=reason or f"{before or 'queue'} -> {assignee or 'queue'}",
        internal=True,
    )
    return True


def default_assignee(organisation: Organisation) -> User | None:
    """The organisation's primary liaison (SNFs have one), else None: the case goes to the
    team queue, unassigned."""
    first = (
        LiaisonAssignment.objects.filter(facility_id=organisation.pk)
        .select_related("liaison")
        .first()
    )
    return first.liaison if first is not None and first.liaison.is_active else None


def facility_of(organisation: Organisation) -> Facility | None:
    """The SNF row of an organisation (the notice and access-log tables name facilities), or
    None for another kind."""
    if isinstance(organisation, Facility):
        return organisation
    return Facility.objects.filter(pk=organisation.pk).first()


def holidays_around(day: datetime.date) -> set[datetime.date]:
    return plan_holidays(years=range(day.year - 1, day.year + 2))


def pending_notices(case: models.Model, kinds: list[str]) -> QuerySet[ScheduledNotice]:
    return ScheduledNotice.objects.filter(
        subject_type=ContentType.objects.get_for_model(type(case)),
        subject_id=case.pk,
        state=ScheduledNotice.State.PENDING,
        kind__in=kinds,
    )


def cancel_notices(case: models.Model, kinds: list[str], reason: str) -> int:
    return pending_notices(case, kinds).update(
        state=ScheduledNotice.State.CANCELLED, last_error=reason[:500]
    )
