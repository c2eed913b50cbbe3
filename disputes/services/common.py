"""What the dispute services share: errors, who may act, the case timeline, the notices of
the clocks."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from disputes import clocks
from disputes.models import Dispute, DisputeEvent
from portal.calendar.dates import deadline_end, pacific_time
from portal.cases import roles
from portal.cases import services as cases
from portal.cases.roles import CASE_ROLES, is_case_worker, is_facility_user, is_provider_user
from portal.models import Organisation, ScheduledNotice, User
from portal.notifications.services import schedule_notice

__all__ = ["CASE_ROLES", "is_case_worker", "is_facility_user", "is_provider_user"]
DECISION_KINDS = ["dispute_decision_due", "dispute_overdue"]
SEND_HOUR = 8


class InvalidTransition(ValueError):
    pass


class IncompleteDispute(ValidationError):
    pass


def require_case_worker(user: User, organisation: Organisation) -> None:
    """A member of the plan team that works the disputes of the organisation's kind (SNFs:
    liaisons and program administrators; ECM providers: the ECM program managers and program
    administrators; ``portal.cases.roles.TEAM_ROLES``)."""
    roles.require_case_worker_of(user, organisation.kind, "disputes")


def require_member(user: User, facility: Organisation) -> None:
    roles.require_member(user, facility, "disputes")


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
    event = cases.record_case_event(
        dispute,
        action=action,
        actor=actor,
        reason=reason,
        from_status=from_status,
        internal=internal,
        data=data,
    )
    assert isinstance(event, DisputeEvent)
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
    return cases.holidays_around(day)


def pending_notices(dispute: Dispute, kinds: list[str]) -> QuerySet[ScheduledNotice]:
    return cases.pending_notices(dispute, kinds)


def cancel_notices(dispute: Dispute, kinds: list[str], reason: str) -> int:
    return cases.cancel_notices(dispute, kinds, reason)


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


def default_assignee(facility: Organisation) -> User | None:
    """The facility's primary liaison (else the case goes to the team queue, unassigned)."""
    return cases.default_assignee(facility)
