"""IPP writes against the database: the catalogue CSV (all or nothing, errors by line and
column), the PY1 split, DHCS's results, the funds book (interim Payment 1 and its return or
netting) and the 5% cap warning, with the guide's figures."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from portal.files.csvio import CsvImportError
from portal.models import AuditEvent, Role
from programs.ipp.engine import MeasureError
from programs.ipp.models import FundsImmutableError, IppFundsEntry, IppMeasure
from programs.ipp.services.catalogue import (
    SplitRefused,
    import_catalogue,
    record_result,
    set_py1_split,
    submission_figures,
)
from programs.ipp.services.funds import (
    FundsError,
    reconciliation,
    record_funds_entry,
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


def test_illustration_through_the_database(admin, analyst) -> None:  # type: ignore[no-untyped-def]
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
        kind="receipt",
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
            kind="offset_payment",
            amount=D("800000.01"),
            on_date=datetime.date(2022, 10, 1),
            memo="too much",
            actor=analyst,
        )
    entry = record_funds_entry(
        submission=p1,
        kind="offset_payment",
        amount=D("800000"),
        on_date=datetime.date(2022, 10, 1),
        memo="Netted from Payment 2",
        actor=analyst,
    )
    assert entry.amount == D("-800000.00")
    assert reconciliation(p1).outstanding == D("0.00")
    # funds book: received 4,000,000 - 800,000 = 3,200,000 <= 5% of 200 M = 10 M: no warning
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
        kind="receipt",
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


def test_funds_entries_are_append_only(analyst) -> None:  # type: ignore[no-untyped-def]
    sub = submission(program_year(1), "1", "4000000", is_interim=True)
    entry = record_funds_entry(
        submission=sub,
        kind="receipt",
        amount=D("1"),
        on_date=datetime.date(2022, 4, 1),
        memo="x",
        actor=analyst,
    )
    with pytest.raises(FundsImmutableError):
        entry.save()
    with pytest.raises(FundsImmutableError):
        IppFundsEntry.objects.all().delete()
    with pytest.raises(DatabaseError):
        _update_directly()


def _update_directly() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE ipp_ippfundsentry SET amount = 2")
