"""The plan's own account with the state in the append-only ledger (payments.state_account):
receipts are posted by one finance person, money going back needs a second one; the database
keeps provider entries and state entries apart and their signs right."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from payments.models import LedgerEntry, StateTransfer
from payments.selectors import ledger_balances, ledger_entries_for, program_year_balance
from payments.services import NotAllowed, TwoPersonRuleError
from payments.state_account import (
    StateAccountError,
    approve_state_transfer,
    record_state_receipt,
    reject_state_transfer,
    request_state_transfer,
)
from portal.models import AuditEvent, Role
from tests.factories import FacilityFactory, UserFactory

pytestmark = pytest.mark.django_db
D = Decimal
DAY = datetime.date(2024, 3, 1)


@pytest.fixture
def analyst():  # type: ignore[no-untyped-def]
    return UserFactory.create(role=Role.FINANCE_ANALYST)


@pytest.fixture
def approver():  # type: ignore[no-untyped-def]
    return UserFactory.create(role=Role.FINANCE_APPROVER)


def _receipt(actor, amount="1000.005"):  # type: ignore[no-untyped-def]
    return record_state_receipt(
        program="qaf", program_year=2024, amount=D(amount), value_date=DAY, memo="Q1", actor=actor
    )


def _ask(actor, amount="250", **extra):  # type: ignore[no-untyped-def]
    return request_state_transfer(
        program="qaf",
        program_year=2024,
        kind=StateTransfer.Kind.RETURN,
        amount=D(amount),
        value_date=DAY,
        memo="overpaid",
        actor=actor,
        **extra,
    )


def test_receipt_is_posted_at_once_rounded_once_and_audited(analyst) -> None:  # type: ignore[no-untyped-def]
    entry = _receipt(analyst)
    assert (entry.facility_id, entry.kind, entry.amount) == (None, "state_receipt", D("1000.01"))
    assert AuditEvent.objects.filter(action="ledger.state_receipt_posted").count() == 1


def test_provider_users_and_liaisons_cannot_record_state_money() -> None:
    for role in (Role.FACILITY_ADMIN, Role.LTSS_LIAISON, Role.ECM_PROVIDER_ADMIN):
        with pytest.raises(NotAllowed):
            _receipt(UserFactory.create(role=role))
    assert not LedgerEntry.objects.exists()


def test_money_going_back_waits_for_a_second_person(analyst, approver) -> None:  # type: ignore[no-untyped-def]
    _receipt(analyst, "1000")
    transfer = _ask(analyst)
    assert LedgerEntry.objects.count() == 1  # only the receipt
    with pytest.raises(NotAllowed):
        approve_state_transfer(transfer=transfer, approver=analyst)
    asking_approver = UserFactory.create(role=Role.FINANCE_APPROVER)
    own = _ask(asking_approver, "1")
    with pytest.raises(TwoPersonRuleError):
        approve_state_transfer(transfer=own, approver=asking_approver)
    entry = approve_state_transfer(transfer=transfer, approver=approver)
    transfer.refresh_from_db()
    assert (transfer.status, transfer.entry, transfer.decided_by) == ("approved", entry, approver)
    assert (entry.kind, entry.amount, entry.facility_id) == ("state_return", D("-250.00"), None)
    with pytest.raises(StateAccountError, match="already approved"):
        approve_state_transfer(transfer=transfer, approver=approver)
    # 1,000.00 received - 250.00 back, nothing to providers
    assert program_year_balance(program="qaf", program_year=2024) == {
        "received": D("1000.00"),
        "gone_back": D("250.00"),
        "state_net": D("750.00"),
        "to_providers": D("0"),
        "balance": D("750.00"),
    }


def test_program_rule_checked_when_asking_and_approving(analyst, approver) -> None:  # type: ignore[no-untyped-def]
    def at_most_100(amount: Decimal) -> None:
        if amount > 100:
            raise StateAccountError("more than is owed")

    with pytest.raises(StateAccountError, match="more than is owed"):
        _ask(analyst, "100.01", check=at_most_100)
    transfer = _ask(analyst, "100", check=at_most_100)

    def no_longer_owed(pending: StateTransfer) -> None:
        raise StateAccountError("settled meanwhile")

    with pytest.raises(StateAccountError, match="settled meanwhile"):
        approve_state_transfer(transfer=transfer, approver=approver, check=no_longer_owed)
    transfer.refresh_from_db()
    assert transfer.status == "pending"
    assert not LedgerEntry.objects.exists()


def test_rejection_needs_a_reason_and_posts_nothing(analyst, approver) -> None:  # type: ignore[no-untyped-def]
    transfer = _ask(analyst)
    with pytest.raises(StateAccountError, match="say why"):
        reject_state_transfer(transfer=transfer, approver=approver, reason="")
    reject_state_transfer(transfer=transfer, approver=approver, reason="Duplicate")
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decision_reason, transfer.entry) == (
        "rejected",
        "Duplicate",
        None,
    )
    assert not LedgerEntry.objects.exists()


def test_database_keeps_state_and_provider_entries_apart() -> None:
    now = timezone.now()
    facility = FacilityFactory.create()
    bad = (
        {"facility": None, "kind": "payment", "amount": D("1")},  # a payment names a provider
        {"facility": facility, "kind": "state_receipt", "amount": D("1")},  # state: no provider
        {"facility": None, "kind": "state_receipt", "amount": D("-1")},  # receipts are positive
        {"facility": None, "kind": "state_return", "amount": D("1")},  # returns are negative
    )
    for fields in bad:
        with pytest.raises(IntegrityError), transaction.atomic():
            LedgerEntry.objects.create(program="qaf", program_year=2024, posted_at=now, **fields)
    assert not LedgerEntry.objects.exists()


def test_provider_ledger_pages_never_show_the_state_account(analyst) -> None:  # type: ignore[no-untyped-def]
    _receipt(analyst, "500")
    facility = FacilityFactory.create()
    LedgerEntry.objects.create(
        facility=facility,
        program="qaf",
        program_year=2024,
        kind="payment",
        amount=D("40"),
        posted_at=timezone.now(),
    )
    finance = UserFactory.create(role=Role.FINANCE_ANALYST)
    assert [e.facility_id for e in ledger_entries_for(user=finance)] == [facility.pk]
    assert [b["facility_id"] for b in ledger_balances(facilities=[facility])] == [facility.pk]
    # the program year's one balance: 500.00 received - 40.00 paid to the provider
    assert program_year_balance(program="qaf", program_year=2024)["balance"] == D("460.00")


def test_given_transfer_asked_when_swept_then_other_approvers_asked_and_stop_once_decided(
    analyst, approver
):
    # given two finance approvers, one of whom asks for money to go back
    from portal.notifications.models import Notice, ScheduledNotice
    from portal.notifications.services import sweep_due_notices

    second = UserFactory.create(role=Role.FINANCE_APPROVER)
    _receipt(analyst, "1000")
    # when the first approver asks, and the analyst asks too
    own = _ask(approver, "100", link="/ipp/years/1/")
    other = _ask(analyst, "50", link="/ipp/years/1/")
    sweep_due_notices()
    # then every finance approver but the asker is told, with the page where it is decided
    told = sorted(
        Notice.objects.filter(kind="state_transfer_awaiting_approval").values_list(
            "user__email", "link", "title"
        )
    )
    assert told == sorted(
        [
            (
                second.email,
                "/ipp/years/1/",
                "Returned to the state: $100.00 waits for your approval",
            ),
            (
                approver.email,
                "/ipp/years/1/",
                "Returned to the state: $50.00 waits for your approval",
            ),
            (
                second.email,
                "/ipp/years/1/",
                "Returned to the state: $50.00 waits for your approval",
            ),
        ]
    )
    assert not Notice.objects.filter(user=analyst).exists()
    # and a request decided before the sweep sends nothing
    late = _ask(analyst, "25", link="/ipp/years/1/")
    approve_state_transfer(transfer=late, approver=second)
    sweep_due_notices()
    row = ScheduledNotice.objects.get(kind="state_transfer_awaiting_approval", subject_id=late.pk)
    assert row.state == ScheduledNotice.State.CANCELLED
    assert {own.status, other.status} == {StateTransfer.Status.PENDING}
