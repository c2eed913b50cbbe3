"""The payments app's panels on the home page (``PaymentsConfig.home_panels``): the runs a
finance approver may approve, the runs on the way for finance users, each facility's latest
payment for facility users. Two queries a panel, whatever the number of runs or lines."""

from __future__ import annotations

from django.urls import reverse

from payments.models import PaymentRun
from payments.selectors import (
    is_finance,
    latest_payment_lines,
    runs_awaiting_approval_by,
    runs_in_progress_for,
)
from portal.models import Role, User
from portal.programs import HomePanel, WorkItem, approvals_panel, plural

SHOWN_RUNS = 5


def _run_name(run: PaymentRun) -> str:
    return f"Run #{run.pk} · {run.program_title} {run.program_year} {run.get_kind_display()}"


def _more(count: int, shown: int, *, noun: str) -> list[WorkItem]:
    """A last line linking to the run list when not every run is shown."""
    if count <= shown:
        return []
    rest = count - shown
    return [
        WorkItem(
            f"more {plural(rest, noun)}: see all payment runs",
            reverse("payments:run_list"),
            count=rest,
        )
    ]


def runs_to_approve_panel(*, user: User) -> HomePanel:
    runs = runs_awaiting_approval_by(user=user)
    shown = list(runs[:SHOWN_RUNS])
    count = runs.count()
    items = [
        WorkItem(
            f"{_run_name(run)} awaits your approval",
            reverse("payments:run_approve", args=[run.pk]),
            tone="warning",
        )
        for run in shown
    ]
    return approvals_panel([*items, *_more(count, len(shown), noun="draft run")])


_RUN_STATE = {
    PaymentRun.Status.QUEUED: ("queued: being computed", "info"),
    PaymentRun.Status.DRAFT: ("draft: awaiting a finance approver", "info"),
    PaymentRun.Status.FAILED: ("failed: see what went wrong", "danger"),
}


def runs_panel(*, user: User) -> HomePanel:
    runs = runs_in_progress_for(user=user)
    shown = list(runs[:SHOWN_RUNS])
    count = runs.count()
    items = []
    for run in shown:
        state, tone = _RUN_STATE[PaymentRun.Status(run.status)]
        items.append(
            WorkItem(
                f"{_run_name(run)}, {state}",
                reverse("payments:run_detail", args=[run.pk]),
                tone=tone,
            )
        )
    return HomePanel(
        key="payment-runs",
        title="Payment runs on the way",
        items=(*items, *_more(count, len(shown), noun="run")),
        empty_text="No payment run is queued, awaiting approval or failed.",
        order=10,
    )


def latest_payments_panel(*, user: User) -> HomePanel:
    return HomePanel(
        key="latest-payments",
        title="Your latest payments",
        empty_text="No payment has been posted to your facilities yet.",
        order=30,
        is_work=False,
        wide=True,
        template="payments/_home_latest_payments.html",
        context={"lines": latest_payment_lines(user=user)},
    )


def payment_home_panels(*, user: User) -> list[HomePanel]:
    if user.is_provider_user:  # SNF facility and ECM provider users: their own payments
        return [latest_payments_panel(user=user)]
    panels = []
    if user.role == Role.FINANCE_APPROVER:
        panels.append(runs_to_approve_panel(user=user))
    if is_finance(user):
        panels.append(runs_panel(user=user))
    return panels
