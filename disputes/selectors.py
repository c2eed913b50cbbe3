"""Reads for disputes, scoped by user: every query starts from visible_organisations, so another
organisation's dispute, attachment or letter is a 404 for provider users (of every kind)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from disputes.models import (
    OPEN_STATUSES,
    Determination,
    Dispute,
    DisputeAttachment,
    DisputeEvent,
    Note,
    Status,
)
from disputes.programs import SOURCE_TYPE, DisputeProgram, dispute_programs
from payments.models import LedgerEntry, PaymentRun
from portal.accounts.models import (
    PROVIDER_ROLES,
)
from portal.calendar.dates import add_working_days
from portal.cases.roles import (
    can_see_plan_side,
    case_kinds,
    case_workers,
    is_any_case_worker,
    is_case_worker_of,
)
from portal.models import User
from portal.params import id_param
from portal.registry.selectors import visible_organisations

__all__ = ["can_see_plan_side", "case_workers"]

SLA_SOON_WORKING_DAYS = 5


def sees_plan_side(user: User, dispute: Dispute) -> bool:
    """Internal notes and events: the plan's SNF staff and finance, and the team that works
    the dispute's kind of organisation (the ECM program managers for an ECM provider's)."""
    return can_see_plan_side(user) or is_case_worker_of(user, dispute.facility.kind)


def disputes_for(*, user: User) -> QuerySet[Dispute]:
    disputes = Dispute.objects.filter(facility__in=visible_organisations(user=user))
    if user.role not in PROVIDER_ROLES:
        disputes = disputes.exclude(status=Status.DRAFT)  # a draft is the organisation's own
    return disputes.select_related("facility", "assignee", "filed_by")


def attachments_for(*, user: User) -> QuerySet[DisputeAttachment]:
    return DisputeAttachment.objects.filter(dispute__in=disputes_for(user=user))


def determinations_for(*, user: User) -> QuerySet[Determination]:
    return Determination.objects.filter(dispute__in=disputes_for(user=user))


def notes_for(*, user: User, dispute: Dispute) -> QuerySet[Note]:
    notes = dispute.notes.select_related("author").prefetch_related("revisions")
    if not sees_plan_side(user, dispute):
        notes = notes.filter(visibility=Note.Visibility.SHARED)
    return notes


def timeline_for(*, user: User, dispute: Dispute) -> QuerySet[DisputeEvent]:
    events = dispute.events.select_related("actor")
    if not sees_plan_side(user, dispute):
        events = events.filter(is_internal=False)
    return events


def case_queue(
    *,
    user: User,
    status: str = "",
    assignee: str = "",
    dispute_type: str = "",
    due: str = "",
    sort: str = "decision_due",
) -> QuerySet[Dispute]:
    """Liaison queue: filters by status, assignee ("me", "none" or a user id), type and due
    ("overdue", "soon"); sorted by due date (nearest first)."""
    if not is_any_case_worker(user):
        return Dispute.objects.none()
    # the disputes of the kinds of organisation the user's team works
    rows = disputes_for(user=user).exclude(status=Status.DRAFT)
    rows = rows.filter(facility__kind__in=case_kinds(user))
    if status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif status:
        rows = rows.filter(status=status)
    if assignee == "me":
        rows = rows.filter(assignee=user)
    elif assignee == "none":
        rows = rows.filter(assignee__isnull=True)
    elif (assignee_id := id_param(assignee)) is not None:
        rows = rows.filter(assignee_id=assignee_id)
    if dispute_type:
        rows = rows.filter(dispute_type=dispute_type)
    today = timezone.localdate()
    if due == "overdue":
        rows = rows.filter(_overdue_q(today))
    elif due == "soon":
        rows = rows.filter(_due_soon_q(today)).exclude(_overdue_q(today))
    order = {
        "decision_due": ["decision_due", "id"],
        "-decision_due": ["-decision_due", "id"],
        "received": ["received_at", "id"],
        "facility": ["facility__name", "id"],
    }.get(sort, ["decision_due", "id"])
    return rows.order_by(*order)


def _overdue_q(today: datetime.date) -> Q:
    return Q(status__in=OPEN_STATUSES, decision_due__lt=today) | Q(
        status=Status.SUBMITTED, ack_due__lt=today
    )


def _due_soon_q(today: datetime.date) -> Q:
    horizon = add_working_days(start=today, days=SLA_SOON_WORKING_DAYS)
    return Q(status__in=OPEN_STATUSES, decision_due__lte=horizon) | Q(
        status=Status.SUBMITTED, ack_due__lte=horizon
    )


def is_overdue(dispute: Dispute, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    if dispute.status == Status.SUBMITTED and dispute.ack_due and dispute.ack_due < today:
        return True
    return bool(
        dispute.status in OPEN_STATUSES and dispute.decision_due and dispute.decision_due < today
    )


def sla_dashboard(*, user: User) -> dict[str, object]:
    """Due within 5 working days, overdue, and open cases per liaison."""
    today = timezone.localdate()
    open_cases = case_queue(user=user).filter(status__in=OPEN_STATUSES)
    overdue = open_cases.filter(_overdue_q(today))
    soon = open_cases.filter(_due_soon_q(today)).exclude(_overdue_q(today))
    by_liaison = (
        open_cases.values("assignee_id", "assignee__full_name", "assignee__email")
        .annotate(
            open=Count("id"),
            overdue=Count("id", filter=_overdue_q(today)),
            soon=Count("id", filter=_due_soon_q(today) & ~_overdue_q(today)),
        )
        .order_by("assignee__full_name", "assignee_id")
    )
    return {
        "today": today,
        "soon": soon.order_by("decision_due"),
        "overdue": overdue.order_by("decision_due"),
        "by_liaison": list(by_liaison),
        "breaches": case_queue(user=user).filter(is_regulatory_breach=True).count(),
    }


def editable_notes_for(*, user: User) -> QuerySet[Note]:
    """Notes on the disputes the user may see (internal ones are checked by the caller)."""
    return Note.objects.filter(dispute__in=disputes_for(user=user)).select_related("dispute")


def newest_draft_run(*, program: str, program_year: int) -> PaymentRun | None:
    return (
        PaymentRun.objects.filter(
            program=program, program_year=program_year, status=PaymentRun.Status.DRAFT
        )
        .order_by("-pk")
        .first()
    )


def dispute_ledger_entries(dispute: Dispute) -> QuerySet[LedgerEntry]:
    """The ledger entries that pay the dispute's money outcome."""
    return LedgerEntry.objects.filter(source_type=SOURCE_TYPE, source_id=str(dispute.pk))


def money_outcomes(program: DisputeProgram) -> dict[str, object]:
    """For the finance page: the program's adjustments awaiting approval with their disputes,
    and the disputes whose approved adjustment awaits a supplemental run, with the program
    year's newest draft run."""
    pending = program.pending_adjustments()
    disputes = Dispute.objects.filter(program=program.program).select_related("facility")
    by_pk = disputes.in_bulk([a.dispute_id for a in pending if a.dispute_id is not None])
    unpaid = {a.dispute_id for a in program.unpaid_adjustments() if a.dispute_id is not None}
    return {
        "program": program,
        "adjustments": [(adjustment, by_pk.get(adjustment.dispute_id)) for adjustment in pending],
        "awaiting": [
            (
                dispute,
                newest_draft_run(program=dispute.program, program_year=dispute.program_year),
            )
            for dispute in disputes.filter(pk__in=unpaid)
        ],
    }


def money_outcome_sections() -> list[dict[str, object]]:
    """``money_outcomes`` of every program whose overturns record adjustments."""
    return [money_outcomes(p) for p in dispute_programs() if p.adjustable_types]


# --- home page (disputes.home) -------------------------------------------------------------


def case_work_counts(*, user: User) -> dict[str, int]:
    """A case worker's open cases in one query: awaiting acknowledgement, overdue, due within
    5 working days (not overdue), and open ones assigned to the user."""
    today = timezone.localdate()
    overdue, soon = _overdue_q(today), _due_soon_q(today)
    counts = (
        case_queue(user=user)
        .order_by()
        .aggregate(
            to_acknowledge=Count("id", filter=Q(status=Status.SUBMITTED)),
            overdue=Count("id", filter=overdue),
            due_soon=Count("id", filter=soon & ~overdue),
            mine=Count("id", filter=Q(status__in=OPEN_STATUSES, assignee=user)),
        )
    )
    return {key: value or 0 for key, value in counts.items()}


def returned_disputes_for(*, user: User) -> QuerySet[Dispute]:
    """Disputes returned to the facility for more information, amendment due soonest first."""
    return disputes_for(user=user).filter(status=Status.RETURNED).order_by("amend_due", "pk")
