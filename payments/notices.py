"""Payment events -> notices of the notification engine (portal/notifications, domain guide §11).

- ``payment_run_awaiting_approval``: a draft run is computed (finance approvers other than the
  starter; not for operator runs that are posted in the same step).
- ``payment_issued`` and ``report_published``: a run is posted; one notice per facility, to that
  facility's report contacts only.
- ``payment_past_due``: daily producer; 10 and 3 working days before the earliest due date of
  an unreleased (draft) run's money, and once it is past due; to finance approvers.
- ``state_transfer_awaiting_approval``: money going back to the state was asked for
  (``payments.state_account``); finance approvers other than the person who asked.

The schedule calls run inside the caller's transaction (the event's), so a notice exists
exactly when its event commits and the sweeper sends it once.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone

from payments.calculators import get_calculator
from payments.models import PaymentLine, PaymentRun, StateTransfer
from portal.calendar.dates import (
    add_working_days,
    pacific_time,
    plan_holidays,
)
from portal.models import Facility
from portal.money import format_money
from portal.notifications import recipients as r
from portal.notifications.kinds import NoticeKind
from portal.notifications.models import ScheduledNotice
from portal.notifications.reminders import SEND_HOUR
from portal.notifications.services import PlannedNotice, schedule_notice, schedule_notices

DUE_REMINDER_WORKING_DAYS = (10, 3)


def _run_data(run: PaymentRun) -> dict[str, object]:
    return {
        "program_year": run.program_year,
        "program": run.program_title,
        "program_key": run.program,
        "exhibit": run.get_kind_display(),  # the kind of run (WQIP: its exhibit)
        "run_id": run.pk,
    }


def run_awaiting_approval(run: PaymentRun) -> None:
    """A draft was computed: finance approvers other than the starter are asked to approve."""
    if run.post_when_computed or run.via == PaymentRun.Via.CLI:
        return
    schedule_notice(
        kind="payment_run_awaiting_approval",
        subject=run,
        due_at=timezone.now(),
        link=reverse("payments:run_detail", args=[run.pk]),
        data=_run_data(run),
    )


def state_transfer_awaiting_approval(transfer: StateTransfer, *, link: str) -> None:
    """Money going back to the state waits for a second person: finance approvers other than
    the person who asked (``link``: the program's page where it is decided)."""
    schedule_notice(
        kind="state_transfer_awaiting_approval",
        subject=transfer,
        due_at=timezone.now(),
        link=link,
        data={
            "program_key": transfer.program,
            "program_year": transfer.program_year,
            "transfer_kind": transfer.get_kind_display(),
            "amount": format_money(transfer.amount),
        },
    )


def run_posted(run: PaymentRun) -> None:
    """Each facility of the run: its report is published; those with money moving (a ledger
    entry) also get ``payment_issued``. Facility-scoped: the subject is the facility's line."""
    now = timezone.now()
    data = _run_data(run)
    lines = list(run.lines.select_related("facility").order_by("pk"))
    # The notices below are facility-scoped (portal.notifications, to report contacts); the
    # lines of other kinds of provider organisation (ECM providers) are the program's to
    # announce (``PaymentCalculator.schedule_posted_notices``).
    facilities = Facility.objects.in_bulk([line.facility_id for line in lines])
    others = [line for line in lines if line.facility_id not in facilities]
    lines = [line for line in lines if line.facility_id in facilities]
    if others:
        get_calculator(run.program).schedule_posted_notices(run=run, lines=others, now=now)

    def planned(line: PaymentLine) -> PlannedNotice:
        return PlannedNotice(
            subject=line,
            facility=facilities[line.facility_id],
            link=reverse("payments:facility_payments", args=[line.facility.npi]),
            data=data,
        )

    schedule_notices(kind="report_published", due_at=now, notices=[planned(line) for line in lines])
    schedule_notices(
        kind="payment_issued",
        due_at=now,
        notices=[planned(line) for line in lines if line.net_amount != 0],
    )


@transaction.atomic
def produce_payment_due_reminders(today: datetime.date) -> int:
    """For each unreleased draft run with money to move: the latest reminder point that has
    come (10 or 3 working days before its earliest due date, or the day after it: past due).
    A missed day is caught up with the latest point only; each point is one row per run."""
    holidays = plan_holidays(years=[today.year - 1, today.year, today.year + 1])
    scheduled = 0
    drafts = (
        PaymentRun.objects.filter(status=PaymentRun.Status.DRAFT)
        .annotate(due_on=Min("lines__due_date", filter=~Q(lines__net_amount=0)))
        .filter(due_on__isnull=False)
        .order_by("pk")
    )
    for run in drafts:
        due_on = run.due_on
        points = [
            (add_working_days(start=due_on, days=-days, holidays=holidays), False)
            for days in DUE_REMINDER_WORKING_DAYS
        ]
        points.append((due_on + datetime.timedelta(days=1), True))
        come = [(day, past_due) for day, past_due in points if day <= today]
        if not come:
            continue
        day, past_due = max(come)
        schedule_notice(
            kind="payment_past_due",
            subject=run,
            due_at=pacific_time(day, SEND_HOUR),
            link=reverse("payments:run_detail", args=[run.pk]),
            data={**_run_data(run), "due_on": due_on, "is_past_due": past_due},
        )
        scheduled += 1
    return scheduled


# --- notice kinds (portal.notifications.kinds) --------------------------------------------


def _run_still_draft(notice: ScheduledNotice, now: datetime.datetime) -> bool:
    """Payment-run notices (the subject is a payments PaymentRun, duck-typed: portal does not
    import payments) stop once the run is posted or superseded."""
    return getattr(notice.subject, "status", None) == "draft"


def _transfer_pending(notice: ScheduledNotice, now: datetime.datetime) -> bool:
    """A state transfer's notice stops once someone decided it."""
    return getattr(notice.subject, "status", None) == "pending"


PAYMENT_NOTICE_KINDS = (
    NoticeKind(
        key="report_published",
        label="Report published",
        title="A new WQIP payment report is available",
        description="When the plan publishes a payment report for your facility.",
        recipients=r.report_contacts,
    ),
    NoticeKind(
        key="payment_run_awaiting_approval",
        label="Payment run awaiting approval",
        title="A payment run is waiting for your approval",
        description="When a payment run started by someone else needs approval.",
        recipients=r.finance_approvers,
        audience="plan",
        is_still_due=_run_still_draft,
    ),
    NoticeKind(
        key="payment_issued",
        label="Payment issued",
        title="A WQIP payment has been issued",
        description="When a payment or recoupment for your facility is marked issued.",
        recipients=r.report_contacts,
        is_mandatory=True,
    ),
    NoticeKind(
        key="payment_past_due",
        label="Payment due and not released",
        title="{% if is_past_due %}A WQIP payment was due on {{ due_on|date:'j F Y' }} and is "
        "past due{% else %}A WQIP payment is due on {{ due_on|date:'j F Y' }} and not "
        "released{% endif %}",
        description="10 and 3 working days before an unreleased payment is due, and when it "
        "is past due.",
        recipients=r.finance_approvers,
        audience="plan",
        is_still_due=_run_still_draft,
    ),
    NoticeKind(
        key="state_transfer_awaiting_approval",
        label="Money back to the state awaiting approval",
        title="{{ transfer_kind|default:'Money going back to the state' }}: "
        "{% if amount %}{{ amount }} {% endif %}waits for your approval",
        description="When someone else asks for money to go back to the state (a return or "
        "an offset); a second finance approver must approve it before it is posted.",
        recipients=r.finance_approvers,
        audience="plan",
        is_still_due=_transfer_pending,
    ),
)
