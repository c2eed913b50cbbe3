"""Whether a facility pays the QAF: set by program admins, kept as history."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from portal.audit.services import record_event
from portal.models import Facility, Role, User
from programs.qaf.models import ExemptionReason, QafParticipation
from programs.qaf.services.common import QafInputError


def set_participation(
    *,
    facility: Facility,
    pays_fee: bool,
    exemption_reason: str = "",
    note: str = "",
    effective_on: datetime.date,
    actor: User,
) -> QafParticipation:
    if not (actor.is_superuser or actor.role == Role.PROGRAM_ADMIN):
        raise QafInputError("Only program administrators set who pays the QAF.")
    if pays_fee and exemption_reason:
        raise QafInputError("A facility that pays has no exemption reason.")
    if not pays_fee and exemption_reason not in ExemptionReason.values:
        raise QafInputError("Give the reason for the exemption (H&S §1324.20).")
    with transaction.atomic():
        row = QafParticipation.objects.create(
            facility=facility,
            pays_fee=pays_fee,
            exemption_reason=exemption_reason,
            note=note,
            effective_on=effective_on,
            set_by=actor,
            set_at=timezone.now(),
        )
        record_event(
            actor=actor,
            action="qaf.participation.set",
            target=facility,
            reason=note,
            data={
                "pays_fee": pays_fee,
                "exemption_reason": exemption_reason,
                "effective_on": effective_on.isoformat(),
            },
        )
    return row


def current_participation(facility: Facility) -> QafParticipation | None:
    return QafParticipation.objects.filter(facility=facility).order_by("-set_at", "-pk").first()
