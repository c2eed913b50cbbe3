"""QAF notice kinds (portal.notifications.kinds), registered by QafConfig.ready. Notices carry
the month, the due date and a link, never figures (docs/notifications.md)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from portal.models import ScheduledNotice
from portal.notifications import recipients as r
from portal.notifications.kinds import NoticeKind
from portal.notifications.services import schedule_notice
from programs.qaf.models import QafDeclaration, QafRateAdjustment


def month_link(declaration: QafDeclaration) -> str:
    return reverse(
        "qaf:month",
        args=[declaration.facility_id, declaration.month.year, declaration.month.month],
    )


def _balance(declaration: QafDeclaration) -> object:
    from programs.qaf.selectors import MonthStatus

    return MonthStatus(
        declaration,
        timezone.localdate(),
        list(declaration.adjustments.all()),
        list(declaration.payments.all()),
    ).balance


def _not_declared(notice: ScheduledNotice, now: datetime.datetime) -> bool:
    """A declaration reminder stops once the month is declared."""
    month = notice.data.get("month_on")
    if notice.facility_id is None or not month:
        return False
    return not QafDeclaration.objects.filter(
        facility_id=notice.facility_id, month=datetime.date.fromisoformat(str(month)[:10])
    ).exists()


def _unpaid(notice: ScheduledNotice, now: datetime.datetime) -> bool:
    """A payment reminder stops once the month is paid."""
    subject = notice.subject
    if isinstance(subject, QafRateAdjustment):
        subject = subject.declaration
    if not isinstance(subject, QafDeclaration):
        return _not_declared(notice, now)
    return _balance(subject) > 0  # type: ignore[operator]


def schedule_adjustment_notice(adjustment: QafRateAdjustment) -> ScheduledNotice | None:
    """A newly approved rate left a month owing the difference: tell the facility, now."""
    if adjustment.amount <= 0:
        return None
    declaration = adjustment.declaration
    return schedule_notice(
        kind="qaf_rate_adjustment",
        subject=adjustment,
        facility=declaration.facility,
        due_at=timezone.now(),
        link=month_link(declaration),
        data={
            "month_on": declaration.month,
            "rate_year": adjustment.rate_year.label,
            "due_on": adjustment.due_on,
        },
    )


QAF_NOTICE_KINDS = (
    NoticeKind(
        key="qaf_declaration_due",
        label="QAF month to declare",
        title="QAF: declare {{ month_on|date:'F Y' }} by {{ due_on|date:'j F Y' }}",
        description="7 days before a month's Quality Assurance Fee is due, while the month is "
        "not declared.",
        recipients=r.facility_administrators,
        is_still_due=_not_declared,
    ),
    NoticeKind(
        key="qaf_payment_due",
        label="QAF payment due",
        title="QAF for {{ month_on|date:'F Y' }} is due on {{ due_on|date:'j F Y' }}",
        description="7 days before a declared month's Quality Assurance Fee is due, while it is "
        "not paid in full.",
        recipients=r.facility_administrators,
        is_still_due=_unpaid,
    ),
    NoticeKind(
        key="qaf_overdue",
        label="QAF overdue",
        title="QAF for {{ month_on|date:'F Y' }} is overdue (due {{ due_on|date:'j F Y' }})",
        description="The day after a month's Quality Assurance Fee was due, when it is not "
        "declared or not paid in full (interest runs from day 61).",
        recipients=r.facility_administrators,
        is_still_due=_unpaid,
    ),
    NoticeKind(
        key="qaf_quarterly_report_due",
        label="QAF quarterly report due",
        title="QAF quarterly report for {{ quarter }} is due on {{ due_on|date:'j F Y' }}",
        description="7 days before a quarterly QAF report is due.",
        recipients=r.facility_administrators,
    ),
    NoticeKind(
        key="qaf_annual_report_due",
        label="QAF annual report due",
        title="QAF annual report for {{ fiscal_year }} is due on {{ due_on|date:'j F Y' }}",
        description="7 days before the annual QAF report (31 August) is due.",
        recipients=r.facility_administrators,
    ),
    NoticeKind(
        key="qaf_rate_adjustment",
        label="QAF rate adjustment owed",
        title="New QAF rate {{ rate_year }} approved: {{ month_on|date:'F Y' }} owes the "
        "difference",
        description="When CMS approves a QAF rate year and a month declared at the earlier rate "
        "owes the difference.",
        recipients=r.facility_administrators,
        is_still_due=_unpaid,
    ),
)
