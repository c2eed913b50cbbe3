"""The public page's writes: published documents and stakeholder feedback (rate-limited per
address, with a honeypot field and a signed time the form was shown)."""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from portal.audit.services import record_event
from portal.models import Role, User
from programs.ipp.models import IppFeedback, IppProgramYear, IppPublicDocument
from programs.ipp.services.applications import store_pdf

SALT = "ipp.feedback.shown"


class FeedbackRefused(Exception):
    """The post is not stored; the message is safe to show."""


def address_hash(address: str) -> str:
    """Addresses are not kept: a keyed hash is enough to count posts per address."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:ipp:{address}".encode()).hexdigest()


def form_token(now: float | None = None) -> str:
    return signing.dumps(int(now if now is not None else time.time()), salt=SALT)


def check_token(token: str, *, now: float | None = None) -> None:
    now = now if now is not None else time.time()
    try:
        shown = int(signing.loads(token, salt=SALT, max_age=24 * 3600))
    except (signing.BadSignature, ValueError, TypeError):
        raise FeedbackRefused(
            "The form has expired; please reload the page and send it again."
        ) from None
    if now - shown < settings.IPP_FEEDBACK_MIN_SECONDS:
        raise FeedbackRefused("That was sent too fast to be typed; please send it again.")


@transaction.atomic
def receive_feedback(*, address: str, data: dict[str, Any], now: Any = None) -> IppFeedback:
    """Store one comment unless the address sent its limit within the last hour."""
    now = now or timezone.now()
    key = address_hash(address)
    # serialise the posts of one address so the count cannot be raced past
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"ipp.feedback:{key}"])
    recent = IppFeedback.objects.filter(
        address_hash=key, received_at__gt=now - timedelta(hours=1)
    ).count()
    if recent >= settings.IPP_FEEDBACK_PER_HOUR:
        raise FeedbackRefused(
            "We have received many comments from your address in the last hour; "
            "please try again later."
        )
    return IppFeedback.objects.create(
        name=data.get("name", ""),
        email=data.get("email", ""),
        organisation=data.get("organisation", ""),
        county=data.get("county", ""),
        message=data["message"],
        address_hash=key,
        received_at=now,
    )


@transaction.atomic
def answer_feedback(*, feedback: IppFeedback, answer: str, actor: User) -> IppFeedback:
    if not (actor.is_superuser or actor.role == Role.PROGRAM_ADMIN):
        raise PermissionDenied("only the program administrator answers feedback")
    feedback = IppFeedback.objects.select_for_update().get(pk=feedback.pk)
    feedback.answer = answer
    feedback.answered_by = actor
    feedback.answered_at = timezone.now()
    feedback.save(update_fields=["answer", "answered_by", "answered_at"])
    record_event(actor=actor, action="ipp.feedback.answered", target=feedback, reason=answer[:200])
    return feedback


@transaction.atomic
def publish_document(
    *,
    program_year: IppProgramYear,
    county: str,
    kind: str,
    approved_on: Any,
    upload: Any,
    actor: User,
) -> IppPublicDocument:
    if not (actor.is_superuser or actor.role == Role.PROGRAM_ADMIN):
        raise PermissionDenied("only the program administrator publishes documents")
    document = store_pdf(
        IppPublicDocument,
        upload,
        actor=actor,
        program_year=program_year,
        county=county,
        kind=kind,
        dhcs_approved_on=approved_on,
    )
    record_event(actor=actor, action="ipp.document.published", target=document)
    return document
