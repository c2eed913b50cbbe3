"""The plan's IPP money with DHCS: receipts, returns and offsets in the append-only funds book,
the reconciliation of an interim payment and the 5% cap check of a program year."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from portal.audit.services import record_event
from portal.models import Role, User
from portal.money import ZERO, round_money
from programs.ipp import engine
from programs.ipp.models import IppFundsEntry, IppProgramYear, IppSubmission
from programs.ipp.services.catalogue import submission_figures

FUNDS_ROLES = frozenset({Role.FINANCE_ANALYST, Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN})
GOING_BACK = (
    IppFundsEntry.Kind.RETURN,
    IppFundsEntry.Kind.OFFSET_PAYMENT,
    IppFundsEntry.Kind.OFFSET_CAPITATION,
)


class FundsError(ValueError):
    pass


@transaction.atomic
def record_funds_entry(
    *,
    submission: IppSubmission,
    kind: str,
    amount: Decimal,
    on_date: datetime.date,
    memo: str,
    actor: User,
) -> IppFundsEntry:
    """A receipt (positive) or money going back to DHCS (a return, or an offset from a later
    payment or capitation; stored negative). ``amount`` is given positive."""
    if not (actor.is_superuser or actor.role in FUNDS_ROLES):
        raise PermissionDenied("only finance and the program administrator record IPP funds")
    if kind not in IppFundsEntry.Kind.values:
        raise FundsError(f"'{kind}' is not a kind of entry")
    amount = round_money(amount)
    if amount <= 0:
        raise FundsError("the amount must be above zero")
    if not memo.strip():
        raise FundsError("say why (the memo)")
    if kind in GOING_BACK:
        owed = reconciliation(submission).outstanding
        if amount > owed:
            raise FundsError(
                f"only {owed} of {submission} is still to go back; {amount} is more than that"
            )
        amount = -amount
    entry = IppFundsEntry.objects.create(
        program_year=submission.program_year,
        submission=submission,
        kind=kind,
        amount=amount,
        on_date=on_date,
        memo=memo[:250],
        posted_at=timezone.now(),
        posted_by=actor,
    )
    record_event(
        actor=actor,
        action=f"ipp.funds.{kind}",
        target=entry,
        reason=memo,
        data={"amount": str(amount)},
    )
    return entry


@dataclass(frozen=True)
class SubmissionMoney:
    submission: IppSubmission
    earned: engine.Earned
    received: Decimal
    gone_back: Decimal  # positive: returned or netted so far
    reconciliation: engine.Reconciliation | None  # interim payments only
    outstanding: Decimal  # still to go back to DHCS


def reconciliation(submission: IppSubmission) -> SubmissionMoney:
    figures = submission_figures(submission)
    entries = submission.funds_entries.all()
    received = (
        entries.filter(kind=IppFundsEntry.Kind.RECEIPT).aggregate(t=Sum("amount"))["t"] or ZERO
    )
    gone_back = -(entries.filter(kind__in=GOING_BACK).aggregate(t=Sum("amount"))["t"] or ZERO)
    rec = None
    outstanding = ZERO
    if submission.is_interim:
        rec = engine.reconcile_interim(interim_paid=received, earned=figures.earned.amount)
        outstanding = engine.outstanding_return(to_return=rec.to_return, settled=[gone_back])
    return SubmissionMoney(
        submission=submission,
        earned=figures.earned,
        received=received,
        gone_back=gone_back + ZERO,
        reconciliation=rec,
        outstanding=outstanding,
    )


def cap_percent() -> Decimal:
    return Decimal(str(getattr(settings, "IPP_CAP_PERCENT", engine.DEFAULT_CAP_PERCENT)))


def year_cap_check(program_year: IppProgramYear) -> engine.CapCheck:
    """The year's incentives (received, less what went back) against 5% of the attributable
    capitation entered for the year."""
    net = program_year.funds_entries.aggregate(t=Sum("amount"))["t"] or ZERO
    return engine.cap_check(
        incentives=net, capitation=program_year.attributable_capitation, percent=cap_percent()
    )
