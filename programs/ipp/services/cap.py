"""Corrective action plans: an item's status changes and documents, by its owner or the
program administrator, with an audit event in the same transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from portal.audit.services import record_event
from portal.models import Role, User
from programs.ipp.models import IppCapDocument, IppCapItem
from programs.ipp.services.applications import store_pdf


def can_update(user: User, item: IppCapItem) -> bool:
    return user.is_superuser or user.role == Role.PROGRAM_ADMIN or item.owner_id == user.pk


@transaction.atomic
def update_cap_item(
    *, item: IppCapItem, status: str, actor: User, note: str = "", document: Any = None
) -> IppCapItem:
    if not can_update(actor, item):
        raise PermissionDenied("only the item's owner or the program administrator updates it")
    if status not in IppCapItem.Status.values:
        raise ValueError(f"'{status}' is not a status")
    item = IppCapItem.objects.select_for_update().get(pk=item.pk)
    previous = item.status
    item.status = status
    item.save(update_fields=["status"])
    if document is not None:
        store_pdf(IppCapDocument, document, actor=actor, item=item)
    record_event(
        actor=actor,
        action="ipp.cap_item.updated",
        target=item,
        reason=note,
        data={"from": previous, "to": status, "document": document is not None},
    )
    return item
