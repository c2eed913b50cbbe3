"""The plan's own account with the state, in the append-only ledger: what the state pays the
plan for a program (a receipt, posted by one finance person) and what goes back (a return, or an
amount netted from a later state payment or from capitation), which is money leaving and so
needs two people: one asks (``request_state_transfer``), a finance approver who is someone else
approves it (``approve_state_transfer``: only then is the ledger entry posted) or rejects it.

Entries of this account have no organisation; a program finds its own by ``program``,
``program_year`` and the generic ``source_type`` / ``source_id`` (the core imports no program).
Every function runs in one transaction and writes an audit row."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from payments import notices
from payments.models import LedgerEntry, StateTransfer
from payments.services import NotAllowed, PaymentRunError, TwoPersonRuleError, lock_program_year
from portal.accounts.models import FINANCE_ROLES
from portal.audit.services import record_event
from portal.models import Role, User
from portal.money import round_money


class StateAccountError(PaymentRunError):
    pass


def _check_finance(actor: User) -> None:
    if not (actor.is_superuser or actor.role in FINANCE_ROLES):
        raise NotAllowed("only finance and the program administrator record state money")


def _clean(amount: Decimal, memo: str) -> Decimal:
    amount = round_money(amount)
    if amount <= 0:
        raise StateAccountError("the amount must be above zero")
    if not memo.strip():
        raise StateAccountError("say why (the memo)")
    return amount


@transaction.atomic
def record_state_receipt(
    *,
    program: str,
    program_year: int,
    amount: Decimal,
    value_date: datetime.date,
    memo: str,
    actor: User,
    source_type: str = "",
    source_id: str = "",
) -> LedgerEntry:
    """Money the state paid the plan: one ledger entry at once (money coming in)."""
    _check_finance(actor)
    amount = _clean(amount, memo)
    entry = LedgerEntry.objects.create(
        facility=None,
        program=program,
        program_year=program_year,
        kind=LedgerEntry.Kind.STATE_RECEIPT,
        amount=amount,
        value_date=value_date,
        memo=memo[:250],
        source_type=source_type,
        source_id=source_id,
        posted_at=timezone.now(),
        posted_by=actor,
    )
    record_event(
        actor=actor,
        action="ledger.state_receipt_posted",
        target=entry,
        reason=memo,
        data={"amount": str(amount), "program": program, "program_year": program_year},
    )
    return entry


@transaction.atomic
def request_state_transfer(
    *,
    program: str,
    program_year: int,
    kind: str,
    amount: Decimal,
    value_date: datetime.date,
    memo: str,
    actor: User,
    source_type: str = "",
    source_id: str = "",
    check: Callable[[Decimal], None] | None = None,
    link: str = "",
) -> StateTransfer:
    """Ask for money to go back to the state; nothing is posted until a second person approves.
    ``check(amount)`` (the program's rule, e.g. no more than is owed) runs under the program
    year's lock, so two requests cannot both pass it. The finance approvers other than the
    asker get a notice linking to ``link`` (the program's page where it is decided)."""
    _check_finance(actor)
    if kind not in StateTransfer.Kind.values:
        raise StateAccountError(f"'{kind}' is not money going back to the state")
    amount = _clean(amount, memo)
    lock_program_year(program, program_year)
    if check is not None:
        check(amount)
    transfer = StateTransfer.objects.create(
        program=program,
        program_year=program_year,
        kind=kind,
        amount=amount,
        value_date=value_date,
        memo=memo[:250],
        source_type=source_type,
        source_id=source_id,
        requested_by=actor,
        requested_at=timezone.now(),
    )
    record_event(
        actor=actor,
        action="ledger.state_transfer_requested",
        target=transfer,
        reason=memo,
        data={"amount": str(amount), "kind": kind},
    )
    notices.state_transfer_awaiting_approval(transfer, link=link)
    return transfer


def _lock_pending(transfer: StateTransfer, approver: User) -> StateTransfer:
    if approver.role != Role.FINANCE_APPROVER:  # as for payment runs: the role, not superuser
        raise NotAllowed("only a finance approver decides money going back to the state")
    lock_program_year(transfer.program, transfer.program_year)
    transfer = StateTransfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.requested_by_id == approver.pk:
        raise TwoPersonRuleError("the person who asked cannot decide it")
    if transfer.status != StateTransfer.Status.PENDING:
        raise StateAccountError(f"this request is already {transfer.get_status_display().lower()}")
    return transfer


@transaction.atomic
def approve_state_transfer(
    *,
    transfer: StateTransfer,
    approver: User,
    check: Callable[[StateTransfer], None] | None = None,
) -> LedgerEntry:
    """The second person approves: the ledger entry (negative) is posted now, once."""
    transfer = _lock_pending(transfer, approver)
    if check is not None:
        check(transfer)
    now = timezone.now()
    entry = LedgerEntry.objects.create(
        facility=None,
        program=transfer.program,
        program_year=transfer.program_year,
        kind=transfer.kind,
        amount=-transfer.amount,
        value_date=transfer.value_date,
        memo=transfer.memo,
        source_type=transfer.source_type,
        source_id=transfer.source_id,
        posted_at=now,
        posted_by=approver,
    )
    StateTransfer.objects.filter(pk=transfer.pk).update(
        status=StateTransfer.Status.APPROVED, decided_by=approver, decided_at=now, entry=entry
    )
    record_event(
        actor=approver,
        action="ledger.state_transfer_approved",
        target=transfer,
        reason=transfer.memo,
        data={"amount": str(-transfer.amount), "entry": entry.pk},
    )
    return entry


@transaction.atomic
def reject_state_transfer(*, transfer: StateTransfer, approver: User, reason: str) -> None:
    if not reason.strip():
        raise StateAccountError("say why the request is rejected")
    transfer = _lock_pending(transfer, approver)
    StateTransfer.objects.filter(pk=transfer.pk).update(
        status=StateTransfer.Status.REJECTED,
        decided_by=approver,
        decided_at=timezone.now(),
        decision_reason=reason[:250],
    )
    record_event(
        actor=approver, action="ledger.state_transfer_rejected", target=transfer, reason=reason
    )
