"""Opt-in events -> messages. The one integration point for the notifications engine.

Each function takes the opt-in id (call it with ``transaction.on_commit``). Today each sends
a plain e-mail to the facility's active administrators; the e-mail carries a link, never
form data. Replace the bodies with notification-engine calls when it is merged.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from portal.models import OptIn, Role, User


def _facility_administrators(opt_in: OptIn) -> list[str]:
    return list(
        User.objects.filter(
            is_active=True,
            role=Role.FACILITY_ADMIN,
            memberships__facility=opt_in.facility,
            memberships__is_active=True,
        )
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def _send(opt_in_id: int, subject: str, line: str) -> int:
    opt_in = OptIn.objects.select_related("facility", "program_year").get(pk=opt_in_id)
    recipients = _facility_administrators(opt_in)
    if not recipients:
        return 0
    base = getattr(settings, "WQIP_PORTAL_BASE_URL", "")
    link = base + reverse("portal:opt_in_detail", args=[opt_in.pk])
    body = (
        f"{line}\n\nFacility: {opt_in.facility.name}\nProgram year: {opt_in.program_year}\n\n"
        f"Sign in to the WQIP Portal to see the details: {link}\n"
    )
    return send_mail(
        f"WQIP opt-in {opt_in.program_year.label}: {subject}",
        body,
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )


def opt_in_submitted(*, opt_in_id: int) -> int:
    return _send(opt_in_id, "submitted", "Your opt-in form was submitted for review.")


def opt_in_returned(*, opt_in_id: int) -> int:
    return _send(
        opt_in_id,
        "returned for correction",
        "Your opt-in form was returned for correction. Please read the reviewer's comments, "
        "correct the form and submit it again.",
    )


def opt_in_approved(*, opt_in_id: int) -> int:
    return _send(opt_in_id, "approved", "Your opt-in form was approved.")


def opt_in_rejected(*, opt_in_id: int) -> int:
    return _send(
        opt_in_id, "rejected", "Your opt-in form was rejected. The reason is shown in the portal."
    )
