"""Notes and messages on a dispute, its attachments, and the log of member-level rows shown."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from disputes.models import EDITABLE_STATUSES, Dispute, DisputeAttachment, Note, NoteRevision
from disputes.services.common import (
    CASE_ROLES,
    InvalidTransition,
    is_case_worker,
    is_facility_user,
    lock,
    record_dispute_event,
    require_case_worker,
    require_member,
)
from portal.accounts.models import FINANCE_ROLES
from portal.audit.services import record_event
from portal.files.uploads import check_upload
from portal.models import User

ATTACHMENT_TYPES = ("application/pdf", "image/png", "image/jpeg")


@transaction.atomic
def add_note(*, dispute: Dispute, author: User, body: str, visibility: str) -> Note:
    if not body.strip():
        raise ValidationError("Write a message.")
    if is_facility_user(author):
        require_member(author, dispute.facility)
        visibility = Note.Visibility.SHARED  # facility users only ever write to the plan
    elif not author.is_superuser and author.role not in CASE_ROLES | FINANCE_ROLES:
        raise PermissionDenied
    note = Note.objects.create(
        dispute=dispute, author=author, body=body.strip(), visibility=visibility
    )
    record_event(
        actor=author,
        action="dispute.note_added",
        target=dispute,
        data={"note": note.pk, "visibility": visibility},
    )
    return note


def can_edit_note(*, note: Note, user: User) -> bool:
    if note.author_id == user.pk:
        return True
    return is_case_worker(user) and note.is_internal


@transaction.atomic
def edit_note(*, note: Note, editor: User, body: str) -> Note:
    """An edit keeps the previous text as a revision."""
    note = Note.objects.select_for_update().get(pk=note.pk)
    if not can_edit_note(note=note, user=editor):
        raise PermissionDenied
    if not body.strip():
        raise ValidationError("A note cannot be empty.")
    if body.strip() == note.body:
        return note
    NoteRevision.objects.create(note=note, body=note.body, edited_by=editor)
    note.body = body.strip()
    note.edited_at = timezone.now()
    note.save(update_fields=["body", "edited_at"])
    record_event(
        actor=editor, action="dispute.note_edited", target=note.dispute, data={"note": note.pk}
    )
    return note


@transaction.atomic
def upload_attachment(*, dispute: Dispute, upload: UploadedFile, actor: User) -> DisputeAttachment:
    """Same rules as opt-in documents (portal.uploads): content type by magic bytes, size."""
    dispute = lock(dispute)
    if is_facility_user(actor):
        require_member(actor, dispute.facility)
        if dispute.status not in EDITABLE_STATUSES:
            raise InvalidTransition(
                "Attachments can be added while the dispute is a draft or returned for information."
            )
    else:
        require_case_worker(actor)
    checked = check_upload(upload, allowed_types=ATTACHMENT_TYPES)
    attachment = DisputeAttachment(
        dispute=dispute,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    # stored under a generated name (StoredUpload.file's upload_to); the uploaded one is ignored
    attachment.file.save(checked.original_name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.stored_name)
        raise
    record_dispute_event(
        dispute, action="attachment_added", actor=actor, reason=checked.original_name
    )
    return attachment


def log_member_rows_viewed(*, dispute: Dispute, viewer: User, masked: bool) -> None:
    """Member-level rows of a dispute were shown (domain guide §12: such views are logged)."""
    record_event(
        actor=viewer,
        action="dispute.member_rows_viewed",
        target=dispute,
        data={"masked": masked},
    )
