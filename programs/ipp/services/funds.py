"""The plan's IPP money with DHCS, in the payments ledger's state account (``payments.
state_account``): receipts are posted at once; a return or an offset is money going back, so
one person asks and a finance approver who is someone else approves it (only then is it an
entry). This module adds IPP's rules: every entry belongs to one submission, no more may go back
than the reconciliation of an interim payment says is owed (pending requests count), and the 5%
cap check of a program year."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.urls import reverse

from payments.models import LedgerEntry, StateTransfer
from payments.models.ledger import STATE_OUTGOING
from payments.selectors import pending_transfers, program_year_balance, state_entries
from payments.services import PaymentRunError
from payments.state_account import (
    approve_state_transfer,
    record_state_receipt,
    reject_state_transfer,
    request_state_transfer,
)
from portal.models import User
from portal.money import ZERO, round_money
from programs.ipp import engine
from programs.ipp.calculator import PROGRAM
from programs.ipp.models import IppProgramYear, IppSubmission
from programs.ipp.services.catalogue import submission_figures

SOURCE_TYPE = "ipp.submission"
RECEIPT = LedgerEntry.Kind.STATE_RECEIPT.value
FUNDS_KINDS = (
    (RECEIPT, "Payment received from DHCS"),
    (StateTransfer.Kind.RETURN.value, "Returned to DHCS"),
    (StateTransfer.Kind.OFFSET_PAYMENT.value, "Netted from a later DHCS payment"),
    (StateTransfer.Kind.OFFSET_CAPITATION.value, "Netted from monthly capitation"),
)


class FundsError(ValueError):
    pass


def _source(submission: IppSubmission) -> dict[str, str]:
    return {"source_type": SOURCE_TYPE, "source_id": str(submission.pk)}


def record_funds_entry(
    *,
    submission: IppSubmission,
    kind: str,
    amount: Decimal,
    on_date: datetime.date,
    memo: str,
    actor: User,
) -> LedgerEntry | StateTransfer:
    """A receipt is posted to the ledger now; money going back (``amount`` given positive) is a
    request for a second person's approval. Either way in one transaction, audited."""
    year = submission.program_year.calendar_year
    try:
        if kind == RECEIPT:
            return record_state_receipt(
                program=PROGRAM,
                program_year=year,
                amount=amount,
                value_date=on_date,
                memo=memo,
                actor=actor,
                **_source(submission),
            )
        if kind not in StateTransfer.Kind.values:
            raise FundsError(f"'{kind}' is not a kind of entry")

        def not_more_than_owed(asked: Decimal) -> None:
            owed = reconciliation(submission).still_to_ask
            if asked > owed:
                raise FundsError(
                    f"only {owed} of {submission} is still to go back (requests waiting for "
                    f"approval count); {round_money(asked)} is more than that"
                )

        return request_state_transfer(
            program=PROGRAM,
            program_year=year,
            kind=kind,
            amount=amount,
            value_date=on_date,
            memo=memo,
            actor=actor,
            check=not_more_than_owed,
            link=reverse("ipp:year", args=[submission.program_year.number]),
            **_source(submission),
        )
    except PaymentRunError as exc:  # the core's refusals, two-person rule included
        raise FundsError(str(exc)) from exc


def approve_funds_transfer(*, transfer: StateTransfer, approver: User) -> LedgerEntry:
    """The second person approves money going back; still no more than is owed."""
    submission = IppSubmission.objects.get(pk=int(transfer.source_id))

    def still_owed(pending: StateTransfer) -> None:
        owed = reconciliation(submission).outstanding
        if pending.amount > owed:
            raise FundsError(f"only {owed} of {submission} is still to go back")

    try:
        return approve_state_transfer(transfer=transfer, approver=approver, check=still_owed)
    except PaymentRunError as exc:  # the core's refusals, two-person rule included
        raise FundsError(str(exc)) from exc


def reject_funds_transfer(*, transfer: StateTransfer, approver: User, reason: str) -> None:
    try:
        reject_state_transfer(transfer=transfer, approver=approver, reason=reason)
    except PaymentRunError as exc:  # the core's refusals, two-person rule included
        raise FundsError(str(exc)) from exc


def year_balance(year: IppProgramYear) -> dict[str, Decimal]:
    """Received from DHCS - gone back - paid to providers through payment runs = what the plan
    still holds for the year: one balance, all from the ledger."""
    return program_year_balance(program=PROGRAM, program_year=year.calendar_year)


def submission_entries(submission: IppSubmission) -> QuerySet[LedgerEntry]:
    return state_entries(
        program=PROGRAM, program_year=submission.program_year.calendar_year
    ).filter(**_source(submission))


def year_entries(year: IppProgramYear) -> QuerySet[LedgerEntry]:
    return state_entries(program=PROGRAM, program_year=year.calendar_year).filter(
        source_type=SOURCE_TYPE
    )


def year_pending(year: IppProgramYear) -> QuerySet[StateTransfer]:
    return pending_transfers(program=PROGRAM, program_year=year.calendar_year).filter(
        source_type=SOURCE_TYPE
    )


@dataclass(frozen=True)
class SubmissionMoney:
    submission: IppSubmission
    earned: engine.Earned
    received: Decimal
    gone_back: Decimal  # positive: returned or netted so far (approved)
    pending: Decimal  # positive: asked, waiting for the second person
    reconciliation: engine.Reconciliation | None  # interim payments only
    outstanding: Decimal  # still to go back to DHCS

    @property
    def still_to_ask(self) -> Decimal:
        return max(self.outstanding - self.pending, ZERO)


def reconciliation(submission: IppSubmission) -> SubmissionMoney:
    figures = submission_figures(submission)
    totals = submission_entries(submission).aggregate(
        received=Sum("amount", filter=Q(kind=RECEIPT)),
        gone_back=Sum("amount", filter=Q(kind__in=STATE_OUTGOING)),
    )
    received = totals["received"] or ZERO
    gone_back = -(totals["gone_back"] or ZERO) + ZERO
    pending = (
        pending_transfers(program=PROGRAM)
        .filter(**_source(submission))
        .aggregate(t=Sum("amount"))["t"]
        or ZERO
    )
    rec = None
    outstanding = ZERO
    if submission.is_interim:
        rec = engine.reconcile_interim(interim_paid=received, earned=figures.earned.amount)
        outstanding = engine.outstanding_return(to_return=rec.to_return, settled=[gone_back])
    return SubmissionMoney(
        submission=submission,
        earned=figures.earned,
        received=received,
        gone_back=gone_back,
        pending=pending,
        reconciliation=rec,
        outstanding=outstanding,
    )


def cap_percent() -> Decimal:
    return Decimal(str(getattr(settings, "IPP_CAP_PERCENT", engine.DEFAULT_CAP_PERCENT)))


def year_cap_check(program_year: IppProgramYear) -> engine.CapCheck:
    """The year's incentives (received, less what went back) against 5% of the attributable
    capitation entered for the year."""
    net = year_entries(program_year).aggregate(t=Sum("amount"))["t"] or ZERO
    return engine.cap_check(
        incentives=net, capitation=program_year.attributable_capitation, percent=cap_percent()
    )
