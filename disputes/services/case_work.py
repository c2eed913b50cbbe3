"""Case work on a filed dispute (liaisons), the facility's amendment of a returned dispute, and
the daily jobs registered with the notification engine's daily producers."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from disputes import clocks
from disputes.models import Dispute, Status
from disputes.services.common import (
    DECISION_KINDS,
    SEND_HOUR,
    InvalidTransition,
    after,
    cancel_notices,
    lock,
    move,
    record_dispute_event,
    require_case_worker,
    require_member,
    start_decision_clock,
)
from disputes.services.filing import acknowledge, check_complete
from portal.calendar.dates import pacific_time
from portal.cases import services as cases
from portal.models import User
from portal.notifications.services import schedule_notice


@transaction.atomic
def acknowledge_dispute(*, dispute: Dispute, actor: User) -> Dispute:
    """Written acknowledgement of a paper dispute."""
    require_case_worker(actor, dispute.facility)
    dispute = lock(dispute)
    acknowledge(dispute, actor=actor, now=timezone.now())
    return dispute


@transaction.atomic
def assign_dispute(*, dispute: Dispute, assignee: User, actor: User, reason: str = "") -> Dispute:
    require_case_worker(actor, dispute.facility)
    kind = dispute.facility.kind
    cases.check_assignee(assignee, kind)
    dispute = lock(dispute)
    if not cases.may_assign(actor=actor, case=dispute, assignee=assignee, kind=kind):
        raise PermissionDenied(
            "Liaison leads and program administrators reassign cases; a liaison takes "
            "unassigned ones and hands on their own."
        )
    cases.assign(case=dispute, assignee=assignee, actor=actor, reason=reason, kind=kind)
    return dispute


@transaction.atomic
def start_review(*, dispute: Dispute, actor: User) -> Dispute:
    require_case_worker(actor, dispute.facility)
    dispute = lock(dispute)
    previous = move(
        dispute,
        Status.UNDER_REVIEW,
        allowed_from=[Status.ACKNOWLEDGED, Status.AMENDED],
        action="start review",
    )
    if dispute.assignee_id is None:
        dispute.assignee = actor
    dispute.save()
    record_dispute_event(dispute, action="review_started", actor=actor, from_status=previous)
    return dispute


@transaction.atomic
def return_for_information(*, dispute: Dispute, actor: User, missing: str) -> Dispute:
    """Returned stating what is missing: 30 calendar days to amend, else closed."""
    require_case_worker(actor, dispute.facility)
    if not missing.strip():
        raise ValidationError("Say what is missing.")
    dispute = lock(dispute)
    previous = move(
        dispute,
        Status.RETURNED,
        allowed_from=[Status.ACKNOWLEDGED, Status.AMENDED, Status.UNDER_REVIEW],
        action="return",
    )
    now = timezone.now()
    dispute.returned_at = now
    dispute.return_reason = missing.strip()
    dispute.amend_due = clocks.amend_due(returned_on=timezone.localdate(now))
    cancel_notices(dispute, DECISION_KINDS, "returned for more information")
    dispute.save()
    for day in clocks.amend_reminders(amend_due_on=dispute.amend_due):
        schedule_notice(
            kind="amendment_window_closing",
            subject=dispute,
            due_at=pacific_time(day, SEND_HOUR),
            link=dispute.get_absolute_url(),
            data={"amend_due_on": dispute.amend_due},
        )
    record_dispute_event(
        dispute, action="returned", actor=actor, from_status=previous, reason=missing
    )
    return dispute


@transaction.atomic
def amend_dispute(*, dispute: Dispute, actor: User, explanation: str = "") -> Dispute:
    """The facility resubmits a returned dispute: the 45-day clock restarts from today."""
    dispute = lock(dispute)
    require_member(actor, dispute.facility)
    now = timezone.now()
    today = timezone.localdate(now)
    if dispute.status != Status.RETURNED:
        raise InvalidTransition(f"{dispute.reference} is not returned for information")
    if dispute.amend_due is not None and today > dispute.amend_due:
        raise InvalidTransition(
            f"The amendment window closed on {dispute.amend_due:%-d %B %Y}; the case is closed."
        )
    check_complete(dispute)
    previous = move(dispute, Status.AMENDED, allowed_from=[Status.RETURNED], action="amend")
    cancel_notices(dispute, ["amendment_window_closing"], "amended")
    dispute.received_at = now
    dispute.acknowledged_at = now
    start_decision_clock(dispute, received_on=today)
    dispute.save()
    record_dispute_event(
        dispute, action="amended", actor=actor, from_status=previous, reason=explanation
    )
    return dispute


@transaction.atomic
def close_incomplete(*, dispute: Dispute, actor: User | None = None) -> Dispute:
    dispute = lock(dispute)
    if dispute.status != Status.RETURNED:
        return dispute
    if dispute.amend_due is not None and timezone.localdate() <= dispute.amend_due:
        raise InvalidTransition("The amendment window is still open.")
    previous = move(
        dispute, Status.CLOSED_INCOMPLETE, allowed_from=[Status.RETURNED], action="close"
    )
    cancel_notices(dispute, ["amendment_window_closing", *DECISION_KINDS], "closed incomplete")
    dispute.save()
    record_dispute_event(
        dispute,
        action="closed_incomplete",
        actor=actor,
        from_status=previous,
        reason=f"Not amended by {dispute.amend_due:%-d %B %Y}.",
    )
    return dispute


@transaction.atomic
def close_dispute(*, dispute: Dispute, actor: User, reason: str = "") -> Dispute:
    require_case_worker(actor, dispute.facility)
    dispute = lock(dispute)
    previous = move(dispute, Status.CLOSED, allowed_from=[Status.DETERMINED], action="close")
    dispute.save()
    record_dispute_event(dispute, action="closed", actor=actor, from_status=previous, reason=reason)
    return dispute


# --- daily jobs (registered with the notification engine's daily producers) ---------------------


def close_unamended_disputes(today: datetime.date) -> int:
    """Returned disputes whose amendment window has closed become closed_incomplete."""
    count = 0
    for dispute in Dispute.objects.filter(status=Status.RETURNED, amend_due__lt=today):
        close_incomplete(dispute=dispute)
        count += 1
    return count


@transaction.atomic
def escalate_overdue_disputes(today: datetime.date) -> int:
    """Open disputes past a regulatory clock: flag the breach for audit, escalate once to the
    program admins (the liaison leads) with a dispute_overdue notice, note it on the timeline."""
    overdue = Dispute.objects.select_for_update().filter(
        Q(
            status__in=[Status.ACKNOWLEDGED, Status.AMENDED, Status.UNDER_REVIEW],
            decision_due__lt=today,
        )
        | Q(status=Status.SUBMITTED, ack_due__lt=today),
        escalated_at__isnull=True,
    )
    count = 0
    now = timezone.now()
    for dispute in overdue:
        is_ack = dispute.status == Status.SUBMITTED
        due_on = dispute.ack_due if is_ack else dispute.decision_due
        assert due_on is not None  # the query matched on this clock
        dispute.is_regulatory_breach = True
        dispute.escalated_at = now
        dispute.save(update_fields=["is_regulatory_breach", "escalated_at", "updated_at"])
        schedule_notice(
            kind="dispute_overdue",
            subject=dispute,
            due_at=after(due_on),
            link=dispute.get_absolute_url(),
            data={"clock": "ack" if is_ack else "decision", "due_on": due_on},
        )
        record_dispute_event(
            dispute,
            action="escalated",
            actor=None,
            reason=f"{'Acknowledgement' if is_ack else 'Decision'} was due {due_on:%-d %B %Y}; "
            "escalated to the program administrators and flagged as a regulatory breach.",
            internal=True,
        )
        count += 1
    return count


def run_daily_jobs(today: datetime.date) -> int:
    return close_unamended_disputes(today) + escalate_overdue_disputes(today)
