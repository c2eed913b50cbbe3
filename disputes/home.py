"""The disputes app's panels on the home page (``DisputesConfig.home_panels``): a case
worker's cases to acknowledge and due, a facility's returned disputes and their amendment
dates. One query a panel (two with the working-day calendar), whatever the number of cases."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from disputes.models import OPEN_STATUSES, Status
from disputes.selectors import case_queue, case_work_counts, returned_disputes_for
from disputes.services.from_inquiry import can_convert
from portal.cases.roles import is_any_case_worker
from portal.inquiries.models import Inquiry
from portal.models import User
from portal.programs import (
    CaseWorkItem,
    HomePanel,
    WorkItem,
    answers_panel,
    deadlines_panel,
    plural,
)


def cases_panel(*, user: User) -> HomePanel:
    counts = case_work_counts(user=user)
    queue = reverse("disputes:queue")
    lines = [
        (
            "overdue",
            plural(counts["overdue"], "dispute past its deadline", "disputes past their deadline"),
            f"{queue}?due=overdue",
            "danger",
        ),
        (
            "to_acknowledge",
            plural(
                counts["to_acknowledge"],
                "dispute awaiting acknowledgement",
                "disputes awaiting acknowledgement",
            ),
            f"{queue}?status=submitted",
            "warning",
        ),
        (
            "due_soon",
            plural(
                counts["due_soon"],
                "dispute due this week (within 5 working days)",
                "disputes due this week (within 5 working days)",
            ),
            f"{queue}?due=soon",
            "warning",
        ),
        (
            "mine",
            plural(counts["mine"], "open case assigned to you", "open cases assigned to you"),
            f"{queue}?status=open&assignee=me",
            "info",
        ),
    ]
    return HomePanel(
        key="cases",
        title="Dispute cases",
        items=tuple(
            WorkItem(text, url, count=counts[key], tone=tone)
            for key, text, url, tone in lines
            if counts[key]
        ),
        empty_text="No dispute needs acknowledging or is due this week.",
        order=20,
    )


def facility_dispute_panels(*, user: User) -> list[HomePanel]:
    """Returned disputes: an answer is awaited, and the amendment has a deadline."""
    returned = list(returned_disputes_for(user=user))
    answers = [
        WorkItem(
            f"Dispute {d.reference} ({d.facility.name}) was returned for more information",
            reverse("disputes:dispute_detail", args=[d.pk]),
            due_on=d.amend_due,
            tone="warning",
        )
        for d in returned
    ]
    deadlines = [
        WorkItem(
            f"Amend dispute {d.reference} ({d.facility.name})",
            reverse("disputes:dispute_detail", args=[d.pk]),
            due_on=d.amend_due,
            tone="warning",
        )
        for d in returned
        if d.amend_due
    ]
    return [answers_panel(answers), deadlines_panel(deadlines)]


def dispute_home_panels(*, user: User) -> list[HomePanel]:
    if user.is_provider_user:
        return facility_dispute_panels(user=user)
    if is_any_case_worker(user):
        return [cases_panel(user=user)]
    return []


def dispute_work_items(*, user: User) -> list[CaseWorkItem]:
    """Open disputes the case worker holds or nobody holds, for My work: due at the
    acknowledgement clock while submitted, else the decision clock."""
    rows = (
        case_queue(user=user)
        .filter(status__in=OPEN_STATUSES)
        .filter(Q(assignee=user) | Q(assignee__isnull=True))
    )
    return [
        CaseWorkItem(
            kind="dispute",
            kind_label="Dispute",
            reference=d.reference,
            title=d.dispute_type_label,
            organisation=d.facility.name,
            state=d.get_status_display(),
            url=d.get_absolute_url(),
            due_on=d.ack_due if d.status == Status.SUBMITTED else d.decision_due,
            assignee_id=d.assignee_id,
            assignee_name=str(d.assignee) if d.assignee else "",
        )
        for d in rows[:500]
    ]


def convert_inquiry_action(user: User, inquiry: Inquiry) -> list[tuple[str, str]]:
    """The "Turn into a dispute" link on a claims or payment inquiry's page."""
    if not can_convert(user=user, inquiry=inquiry):
        return []
    return [("Turn into a dispute", reverse("disputes:from_inquiry", args=[inquiry.pk]))]
