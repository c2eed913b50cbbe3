"""Notes and messages on a dispute, its attachments, and the log of member-level rows shown."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from disputes.models import EDITABLE_STATUSES, Dispute, DisputeAttachment, Note
from disputes.services.common import (
    InvalidTransition,
    is_provider_user,
    lock,
    require_case_worker,
    require_member,
)
from portal.accounts.models import FINANCE_ROLES
from portal.audit.services import record_event
from portal.cases import services as cases
from portal.cases.roles import is_case_worker_of
from portal.cases.services import ATTACHMENT_TYPES
from portal.models import User

__all__ = ["ATTACHMENT_TYPES"]


@transaction.atomic
def add_note(*, dispute: Dispute, author: User, body: str, visibility: str) -> Note:
    if is_provider_user(author):
        require_member(author, dispute.facility)
        visibility = Note.Visibility.SHARED  # provider users only ever write to the plan
    elif not (author.role in FINANCE_ROLES or is_case_worker_of(author, dispute.facility.kind)):
        raise PermissionDenied
    note = cases.add_note(case=dispute, author=author, body=body, visibility=visibility)
    assert isinstance(note, Note)
    return note


def can_edit_note(*, note: Note, user: User) -> bool:
    return cases.can_edit_note(note=note, user=user)


@transaction.atomic
def edit_note(*, note: Note, editor: User, body: str) -> Note:
    """An edit keeps the previous text as a revision."""
    edited = cases.edit_note(note=note, case=note.dispute, editor=editor, body=body)
    assert isinstance(edited, Note)
    return edited


@transaction.atomic
def upload_attachment(*, dispute: Dispute, upload: UploadedFile, actor: User) -> DisputeAttachment:
    """Same rules as opt-in documents (portal.uploads): content type by magic bytes, size."""
    dispute = lock(dispute)
    if is_provider_user(actor):
        require_member(actor, dispute.facility)
        if dispute.status not in EDITABLE_STATUSES:
            raise InvalidTransition(
                "Attachments can be added while the dispute is a draft or returned for information."
            )
    else:
        require_case_worker(actor, dispute.facility)
    attachment = cases.store_attachment(case=dispute, upload=upload, actor=actor)
    assert isinstance(attachment, DisputeAttachment)
    return attachment


def log_member_rows_viewed(*, dispute: Dispute, viewer: User, masked: bool) -> None:
    """Member-level rows of a dispute were shown (domain guide §12: such views are logged)."""
    record_event(
        actor=viewer,
        action="dispute.member_rows_viewed",
        target=dispute,
        data={"masked": masked},
    )
