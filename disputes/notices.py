"""Notice kinds of disputes (registered by DisputesConfig.ready)."""

from __future__ import annotations

from portal.notifications import recipients as r
from portal.notifications.kinds import NoticeKind

DISPUTE_NOTICE_KINDS = (
    NoticeKind(
        key="dispute_ack_due",
        label="Dispute acknowledgement due",
        title="Dispute acknowledgement due {{ due_at|date:'j F Y' }}",
        description="When a dispute you are assigned is not acknowledged by the end of "
        "working day 1.",
        recipients=r.case_assignee,
        audience="plan",
    ),
    NoticeKind(
        key="dispute_decision_due",
        label="Dispute decision due",
        title="Dispute decision due on {{ decision_due_on|date:'j F Y' }}",
        description="Before the decision on a dispute you are assigned is due.",
        recipients=r.case_assignee_escalating,
        audience="plan",
    ),
    NoticeKind(
        key="dispute_overdue",
        label="Dispute overdue",
        title="Dispute past its regulatory deadline",
        description="When a dispute passes its acknowledgement or decision deadline.",
        recipients=r.case_assignee_and_lead,
        audience="plan",
    ),
    NoticeKind(
        key="dispute_decision",
        label="Dispute decision",
        title="A decision has been made on your dispute",
        description="When the plan issues a written determination on a dispute.",
        recipients=r.filer_and_facility_administrators,
        is_mandatory=True,
    ),
    NoticeKind(
        key="amendment_window_closing",
        label="Dispute amendment window closing",
        title="Your dispute must be amended by {{ amend_due_on|date:'j F Y' }}",
        description="7 and 2 days before the amendment window of a returned dispute closes.",
        recipients=r.filer_and_facility_administrators,
    ),
)
