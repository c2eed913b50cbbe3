"""What the dispute services share: errors, who may act, the case timeline, the notices of
the clocks."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet

from disputes import clocks
from disputes.models import Dispute, DisputeEvent
from portal.accounts.models import FACILITY_ROLES
from portal.audit.services import record_event
from portal.calendar.dates import deadline_end, pacific_time, plan_holidays
from portal.models import (
    Facility,
    LiaisonAssignment,
    Role,
    ScheduledNotice,
    User,
)
from portal.notifications.services import schedule_notice

CASE_ROLES = frozenset({Role.LTSS_LIAISON, Role.PROGRAM_ADMIN})
DECISION_KINDS = ["dispute_decision_due", "dispute_overdue"]
SEND_HOUR = 8


class InvalidTransition(ValueError):
    pass


class IncompleteDispute(ValidationError):
    pass


def is_case_worker(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in CASE_ROLES)


def is_facility_user(user: User) -> bool:
    return user.is_authenticated and user.role in FACILITY_ROLES


def require_case_worker(user: User) -> None:
    if not is_case_worker(user):
        raise PermissionDenied("Only LTSS liaisons and program administrators work disputes.")


def require_member(user: User, facility: Facility) -> None:
    if (
        not is_facility_user(user)
        or not facility.memberships.filter(user=user, is_active=True).exists()
    ):
        raise PermissionDenied("Only users of the facility can file or change its disputes.")


def lock(dispute: Dispute) -> Dispute:
    return Dispute.objects.select_for_update().get(pk=dispute.pk)


def record_dispute_event(
    dispute: Dispute,
    *,
    action: str,
    actor: User | None,
    reason: str = "",
    from_status: str = "",
    internal: bool = False,
    data: dict[str, Any] | None = None,
) -> DisputeEvent:
    """A timeline event and its audit row (call inside the transition's transaction)."""
    event = DisputeEvent.objects.create(
        dispute=dispute,
        action=action,
        from_status=from_status,
        to_status=dispute.status if from_status else "",
        actor=actor if actor is not None and actor.pk else None,
        reason=reason,
        is_internal=internal,
    )
    record_event(actor=actor, action=f"dispute.{action}", target=dispute, reason=reason, data=data)
    return event


def move(dispute: Dispute, to: str, *, allowed_from: Iterable[str], action: str) -> str:
    """Set the new status (saved by the caller); returns the previous one."""
    if dispute.status not in set(allowed_from):
        raise InvalidTransition(
            f"{dispute.reference} is {dispute.get_status_display().lower()}; cannot {action}"
        )
    previous = dispute.status
    dispute.status = to
    return previous


def holidays_around(day: datetime.date) -> set[datetime.date]:
    return plan_holidays(years=range(day.year - 1, day.year + 2))


def pending_notices(dispute: Dispute, kinds: list[str]) -> QuerySet[ScheduledNotice]:
    return ScheduledNotice.objects.filter(
        subject_type=ContentType.objects.get_for_model(Dispute),
        subject_id=dispute.pk,
        state=ScheduledNotice.State.PENDING,
        kind__in=kinds,
    )


def cancel_notices(dispute: Dispute, kinds: list[str], reason: str) -> int:
    return pending_notices(dispute, kinds).update(
        state=ScheduledNotice.State.CANCELLED, last_error=reason[:500]
    )


def after(day: datetime.date) -> datetime.datetime:
    """The first moment after a deadline day ends (when an overdue notice goes out)."""
    return deadline_end(day) + datetime.timedelta(seconds=1)


def schedule_decision_clock(dispute: Dispute) -> None:
    assert dispute.received_on is not None
    assert dispute.decision_due is not None
    holidays = holidays_around(dispute.received_on)
    link = dispute.get_absolute_url()
    for reminder in clocks.decision_reminders(
        received_on=dispute.received_on, level=dispute.level, holidays=holidays
    ):
        schedule_notice(
            kind="dispute_decision_due",
            subject=dispute,
            due_at=pacific_time(reminder.on, SEND_HOUR),
            link=link,
            data={
                "decision_due_on": dispute.decision_due,
                "notify_program_admin": reminder.notify_program_admin,
            },
        )
    schedule_notice(
        kind="dispute_overdue",
        subject=dispute,
        due_at=after(dispute.decision_due),
        link=link,
        data={"clock": "decision", "due_on": dispute.decision_due},
    )


def start_decision_clock(dispute: Dispute, *, received_on: datetime.date) -> None:
    """(Re)start the 45-working-day clock from ``received_on`` (filing or amendment)."""
    cancel_notices(dispute, DECISION_KINDS, "decision clock restarted")
    dispute.received_on = received_on
    dispute.decision_due = clocks.decision_due(
        received_on=received_on, level=dispute.level, holidays=holidays_around(received_on)
    )
    schedule_decision_clock(dispute)


def default_assignee(facility: Facility) -> User | None:
    """The facility's primary liaison (else the case goes to the team queue, unassigned)."""
    assignment = LiaisonAssignment.objects.filter(facility=facility).select_related("liaison")
    first = assignment.first()
    return first.liaison if first is not None and first.liaison.is_active else None
