"""The ledger is append-only: no update or delete through the ORM or raw SQL."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from payments.models import LedgerEntry, LedgerImmutableError
from payments.selectors import ledger_balances
from tests.factories import FacilityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return LedgerEntry.objects.create(
        facility=FacilityFactory.create(),
        program_year=2024,
        kind=LedgerEntry.Kind.PAYMENT,
        amount=Decimal("100.00"),
        due_date=datetime.date(2025, 6, 26),
        posted_at=timezone.now(),
    )


def test_given_entry_when_saved_again_through_orm_then_refused(entry):
    entry.amount = Decimal("1.00")
    with pytest.raises(LedgerImmutableError):
        entry.save()
    assert LedgerEntry.objects.get().amount == Decimal("100.00")


def test_given_entry_when_deleted_through_orm_then_refused(entry):
    with pytest.raises(LedgerImmutableError):
        entry.delete()
    assert LedgerEntry.objects.count() == 1


def test_given_entries_when_queryset_update_or_delete_then_refused(entry):
    with pytest.raises(LedgerImmutableError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1.00"))
    with pytest.raises(LedgerImmutableError):
        LedgerEntry.objects.all().delete()
    assert LedgerEntry.objects.get().amount == Decimal("100.00")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE payments_ledgerentry SET amount = 1",
        "DELETE FROM payments_ledgerentry",
    ],
)
def test_given_entry_when_raw_sql_changes_it_then_database_refuses(entry, sql):
    # when
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    # then
    assert LedgerEntry.objects.get().amount == Decimal("100.00")


def test_given_entries_when_balances_read_then_sum_per_facility_and_year(entry):
    # given
    LedgerEntry.objects.create(
        facility=entry.facility,
        program_year=2024,
        kind=LedgerEntry.Kind.RECOUPMENT,
        amount=Decimal("-30.00"),
        posted_at=timezone.now(),
    )
    # when
    balances = list(ledger_balances(facilities=[entry.facility]))
    # then
    assert [(b["program_year"], b["balance"]) for b in balances] == [(2024, Decimal("70.00"))]


@pytest.mark.django_db(transaction=True)
def test_given_committed_entry_when_raw_truncate_then_database_refuses():
    # given
    LedgerEntry.objects.create(
        facility=FacilityFactory.create(),
        program_year=2024,
        kind=LedgerEntry.Kind.PAYMENT,
        amount=Decimal("100.00"),
        posted_at=timezone.now(),
    )
    # when
    with transaction.atomic(), connection.cursor() as cursor:
        # the test settings allow TRUNCATE for Django's flush; production never does
        cursor.execute("SET LOCAL wqip.allow_ledger_truncate = off")
        with pytest.raises(DatabaseError, match="append-only"):
            cursor.execute("TRUNCATE payments_ledgerentry CASCADE")
    # then
    assert LedgerEntry.objects.count() == 1


def test_given_posted_entry_when_correction_needed_then_adjustment_is_a_new_entry(entry):
    from payments.services import post_ledger_adjustment
    from portal.models import Role
    from tests.factories import UserFactory

    # given
    approver = UserFactory.create(role=Role.FINANCE_APPROVER)
    # when
    adjustment = post_ledger_adjustment(
        facility=entry.facility,
        program="wqip",
        program_year=2024,
        amount=Decimal("-12.345"),
        memo="PDR overturned in part",
        posted_by=approver,
        source_type="disputes.dispute",
        source_id="42",
    )
    # then
    assert (adjustment.kind, adjustment.amount) == ("adjustment", Decimal("-12.35"))
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("100.00")
    assert LedgerEntry.objects.count() == 2
