"""IPP writes against the database: the catalogue CSV (all or nothing, errors by line and
column), the PY1 split, DHCS's results, the money with DHCS in the payments ledger (interim
Payment 1 and its return or netting, approved by a second person) and the 5% cap warning, with
the guide's figures."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from payments.models import LedgerEntry, LedgerImmutableError, StateTransfer
from portal.files.csvio import CsvImportError
from portal.models import AuditEvent, Role
from programs.ipp.engine import MeasureError
from programs.ipp.models import IppMeasure
from programs.ipp.services.catalogue import (
    SplitRefused,
    import_catalogue,
    record_result,
    set_py1_split,
    submission_figures,
)
from programs.ipp.services.funds import (
    FundsError,
    approve_funds_transfer,
    reconciliation,
    record_funds_entry,
    reject_funds_transfer,
    year_balance,
    year_cap_check,
)
from tests.factories import UserFactory
from tests.programs.ipp.factories import measure, program_year, submission

pytestmark = pytest.mark.django_db
D = Decimal
HEADER = (
    "program_year,submission,measure,priority_area,domain,name,mandatory,kind,points,tiers,"
    "applicable\n"
)


@pytest.fixture
def admin():  # type: ignore[no-untyped-def]
    return UserFactory.create(role=Role.PROGRAM_ADMIN)


@pytest.fixture
def analyst():  # type: ignore[no-untyped-def]
    return UserFactory.create(role=Role.FINANCE_ANALYST)


@pytest.fixture
def approver():  # type: ignore[no-untyped-def]
    return UserFactory.create(role=Role.FINANCE_APPROVER)


def _file(body: str) -> io.BytesIO:
    return io.BytesIO((HEADER + body).encode())


def test_catalogue_import_stores_every_row(admin) -> None:  # type: ignore[no-untyped-def]
    sub = submission(program_year(1), "2-A")
    count = import_catalogue(
        handle=_file(
            "PY1,2-A,1A-1,1,1A,Closed-loop referral,yes,p4r,400,,\n"
            "1,2-A,3A-1,3,3A,New supports,no,p4p,600,Full:600;Half:300,yes\n"
        ),
        actor=admin,
        source_name="catalogue.csv",
    )
    assert count == 2
    tiered = IppMeasure.objects.get(submission=sub, code="3A-1")
    assert tiered.tiers == [
        {"label": "Full", "points": "600.00"},
        {"label": "Half", "points": "300.00"},
    ]
    assert not tiered.mandatory
    assert tiered.kind == "p4p"
    assert AuditEvent.objects.filter(action="ipp.catalogue.imported").count() == 1


def test_catalogue_import_refuses_the_whole_file_naming_line_and_column(admin) -> None:  # type: ignore[no-untyped-def]
    sub = submission(program_year(1), "2-A")
    measure(sub, "OLD", "10")
    with pytest.raises(CsvImportError) as caught:
        import_catalogue(
            handle=_file(
                "1,2-A,1A-1,1,1A,Good row,yes,p4r,400,,\n"
                "1,2-A,2A-1,2,3A,Wrong domain,maybe,p4x,-5,,\n"
                "1,9,4A-1,4,4A,No such submission,yes,p4r,10,Top:20,\n"
            ),
            actor=admin,
        )
    found = {(e.line, e.column) for e in caught.value.errors}
    assert {
        (3, "domain"),
        (3, "mandatory"),
        (3, "kind"),
        (3, "points"),
        (4, "submission"),
        (4, "tiers"),
    } <= found
    assert "line 3, column domain: domain 3A is not in priority area 2" in [
        str(e) for e in caught.value.errors
    ]
    # nothing written: the old catalogue stands
    assert list(IppMeasure.objects.values_list("code", flat=True)) == ["OLD"]


def test_py1_split_refused_stores_nothing(admin) -> None:  # type: ignore[no-untyped-def]
    year = program_year(1)
    with pytest.raises(SplitRefused) as caught:
        set_py1_split(
            program_year=year,
            shares={1: D("20"), 2: D("20"), 3: D("30"), 4: D("30")},
            gap_filling_areas=[4],
            has_community_supports=False,
            actor=admin,
        )
    assert any("no area-3 share" in e for e in caught.value.errors)
    year.refresh_from_db()
    assert year.share_area_3 == 0
    assert year.has_community_supports
    stored = set_py1_split(
        program_year=year,
        shares={1: D("20"), 2: D("20"), 3: D("30"), 4: D("30")},
        gap_filling_areas=[4],
        has_community_supports=True,
        actor=admin,
    )
    assert stored.share_area_4 == D("30")
    assert stored.gap_filling_areas == [4]


def test_illustration_through_the_database(admin, analyst, approver) -> None:  # type: ignore[no-untyped-def]
    # Submission 2-A: allocation $10 M, 850 of 1,000 points -> $8,500,000.00
    year = program_year(1, attributable_capitation=D("200000000"))
    sub = submission(year, "2-A", "10000000")
    a, b = measure(sub, "A", "850"), measure(sub, "B", "150", area=2)
    record_result(measure=a, actor=admin, reported="Done", met=True)
    record_result(measure=b, actor=admin, met=False)
    assert submission_figures(sub).earned.amount == D("8500000.00")
    # Payment 1 ($4 M interim) earned on 800 of 1,000 points -> $3,200,000.00; $800,000.00 back
    p1 = submission(year, "1", "4000000", payment_number=1, is_interim=True)
    c, d = measure(p1, "C", "800"), measure(p1, "D", "200")
    record_result(measure=c, actor=admin, met=True)
    record_result(measure=d, actor=admin, met=False)
    record_funds_entry(
        submission=p1,
        kind="state_receipt",
        amount=D("4000000"),
        on_date=datetime.date(2022, 4, 15),
        memo="Payment 1 (interim)",
        actor=analyst,
    )
    money = reconciliation(p1)
    assert money.earned.amount == D("3200000.00")
    assert money.reconciliation is not None
    assert money.reconciliation.to_return == D("800000.00")
    assert money.outstanding == D("800000.00")
    with pytest.raises(FundsError, match=r"only 800000\.00"):
        record_funds_entry(
            submission=p1,
            kind="state_offset_payment",
            amount=D("800000.01"),
            on_date=datetime.date(2022, 10, 1),
            memo="too much",
            actor=analyst,
        )
    transfer = record_funds_entry(
        submission=p1,
        kind="state_offset_payment",
        amount=D("800000"),
        on_date=datetime.date(2022, 10, 1),
        memo="Netted from Payment 2",
        actor=analyst,
    )
    # money going back waits for a second person: nothing in the ledger yet, but it counts
    assert isinstance(transfer, StateTransfer)
    assert reconciliation(p1).outstanding == D("800000.00")
    assert reconciliation(p1).still_to_ask == D("0.00")
    with pytest.raises(FundsError, match=r"only 0\.00"):
        record_funds_entry(
            submission=p1,
            kind="state_return",
            amount=D("0.01"),
            on_date=datetime.date(2022, 10, 1),
            memo="asked twice",
            actor=analyst,
        )
    with pytest.raises(FundsError, match="only a finance approver"):
        approve_funds_transfer(transfer=transfer, approver=analyst)
    entry = approve_funds_transfer(transfer=transfer, approver=approver)
    assert entry.amount == D("-800000.00")
    assert entry.facility_id is None
    assert entry.kind == LedgerEntry.Kind.STATE_OFFSET_PAYMENT
    assert entry.posted_by == approver
    assert reconciliation(p1).outstanding == D("0.00")
    with pytest.raises(FundsError, match="already approved"):
        approve_funds_transfer(transfer=transfer, approver=approver)
    # one balance: received 4,000,000 - 800,000 back = 3,200,000, nothing paid to providers
    assert year_balance(year) == {
        "received": D("4000000.00"),
        "gone_back": D("800000.00"),
        "state_net": D("3200000.00"),
        "to_providers": D("0"),
        "balance": D("3200000.00"),
    }
    # received 4,000,000 - 800,000 = 3,200,000 <= 5% of 200 M = 10 M: no warning
    cap = year_cap_check(year)
    assert cap.incentives == D("3200000.00")
    assert cap.limit == D("10000000.00")
    assert not cap.exceeded


def test_cap_warning_when_receipts_exceed_5_percent(analyst) -> None:  # type: ignore[no-untyped-def]
    # capitation $60,000,000 -> limit $3,000,000.00; $3,000,000.01 received -> warning
    year = program_year(2, attributable_capitation=D("60000000"))
    sub = submission(year, "3", "5000000")
    record_funds_entry(
        submission=sub,
        kind="state_receipt",
        amount=D("3000000.01"),
        on_date=datetime.date(2023, 5, 1),
        memo="Payment 3",
        actor=analyst,
    )
    cap = year_cap_check(year)
    assert cap.limit == D("3000000.00")
    assert cap.exceeded


def test_tiered_and_not_applicable_results(admin) -> None:  # type: ignore[no-untyped-def]
    # tiered 100 (Partial 60) + not applicable 400 -> 60 of 100 -> $1,000,000 x 0.6 = $600,000.00
    sub = submission(program_year(1), "2-B", "1000000")
    tiered = measure(
        sub,
        "T",
        "100",
        tiers=[{"label": "Full", "points": "100"}, {"label": "Partial", "points": "60"}],
    )
    na = measure(sub, "NA", "400", area=3, applicable=False)
    record_result(measure=tiered, actor=admin, tier="Partial")
    with pytest.raises(MeasureError, match="does not apply"):
        record_result(measure=na, actor=admin, met=True)
    with pytest.raises(MeasureError, match="no tier 'Most'"):
        record_result(measure=tiered, actor=admin, tier="Most")
    figures = submission_figures(sub)
    assert figures.earned.points_available == D("100.00")
    assert figures.earned.amount == D("600000.00")


def test_rejected_return_posts_nothing_and_frees_the_amount(analyst, approver) -> None:  # type: ignore[no-untyped-def]
    # $1,000 interim received, nothing earned yet -> $1,000.00 to go back
    sub = submission(program_year(1), "1", "1000", is_interim=True)
    money = {"submission": sub, "on_date": datetime.date(2022, 5, 1), "actor": analyst}
    record_funds_entry(kind="state_receipt", amount=D("1000"), memo="P1", **money)
    transfer = record_funds_entry(kind="state_return", amount=D("400"), memo="back", **money)
    assert isinstance(transfer, StateTransfer)
    with pytest.raises(FundsError, match="say why"):
        reject_funds_transfer(transfer=transfer, approver=approver, reason=" ")
    reject_funds_transfer(transfer=transfer, approver=approver, reason="Wrong submission")
    transfer.refresh_from_db()
    assert transfer.status == StateTransfer.Status.REJECTED
    assert transfer.entry is None
    assert not LedgerEntry.objects.filter(amount__lt=0).exists()
    assert reconciliation(sub).still_to_ask == D("1000.00")
    assert AuditEvent.objects.filter(action="ledger.state_transfer_rejected").count() == 1


def test_funds_entries_are_append_only(analyst) -> None:  # type: ignore[no-untyped-def]
    sub = submission(program_year(1), "1", "4000000", is_interim=True)
    entry = record_funds_entry(
        submission=sub,
        kind="state_receipt",
        amount=D("1"),
        on_date=datetime.date(2022, 4, 1),
        memo="x",
        actor=analyst,
    )
    assert isinstance(entry, LedgerEntry)
    with pytest.raises(LedgerImmutableError):
        entry.save()
    with pytest.raises(LedgerImmutableError):
        LedgerEntry.objects.all().delete()
    with pytest.raises(DatabaseError):
        _update_directly()


def _update_directly() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE payments_ledgerentry SET amount = 2")


def test_measures_of_another_plan_class_neither_earn_nor_count(admin) -> None:  # type: ignore[no-untyped-def]
    # PY2, plan class "incumbent, no procurement change"; Submission 4, allocation $2,000,000:
    # common 300 (met) + own class 200 (not met) count: 300 of 500 -> $1,200,000.00; the
    # 500-point measure for alternative plans is listed apart and counts for nothing
    year = program_year(2, plan_class="incumbent_no_change")
    sub = submission(year, "4", "2000000", payment_number=4)
    common = measure(sub, "C", "300")
    own = measure(sub, "O", "200", plan_class="incumbent_no_change")
    other = measure(sub, "X", "500", plan_class="alternative")
    record_result(measure=common, actor=admin, met=True)
    record_result(measure=own, actor=admin, met=False)
    record_result(measure=other, actor=admin, met=True)
    figures = submission_figures(sub)
    assert [line.measure.code for line in figures.lines] == ["C", "O"]
    assert [m.code for m in figures.other_class] == ["X"]
    assert figures.earned.points_available == D("500.00")
    assert figures.earned.amount == D("1200000.00")
