"""QAF writes against the database: the seeded rate table, a declared month, CSV files refused
with line and column and nothing written, a late-approved rate's adjustment, who pays."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from portal.files.csvio import CsvImportError
from portal.models import AuditEvent, Role
from programs.qaf.models import (
    QafDeclaration,
    QafParticipation,
    QafPayment,
    QafRateAdjustment,
    QafRateYear,
)
from programs.qaf.reference_data import RATE_TABLE
from programs.qaf.services.common import QafInputError
from programs.qaf.services.declarations import declare_month, import_declarations, record_payment
from programs.qaf.services.participation import current_participation, set_participation
from programs.qaf.services.rates import apply_rate_approval, import_rate_years
from tests.factories import FacilityFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def facility_admin(db):  # type: ignore[no-untyped-def]
    facility = FacilityFactory.create()
    return facility, UserFactory.create(role=Role.FACILITY_ADMIN, facilities=[facility])


def csv_file(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode())


def errors_of(exc: pytest.ExceptionInfo[CsvImportError]) -> list[tuple[int, str]]:
    return [(e.line, e.column) for e in exc.value.errors]


def test_rate_table_seeded_whole() -> None:
    assert QafRateYear.objects.count() == len(RATE_TABLE) == 15
    row = QafRateYear.objects.get(label="2024")
    assert (row.rate_under_100k, row.rate_over_100k) == (Decimal("20.59"), Decimal("19.12"))
    assert QafRateYear.objects.get(label="2007-08").rate_over_100k is None


def test_worked_example_declared(facility_admin) -> None:  # type: ignore[no-untyped-def]
    facility, user = facility_admin
    declaration = declare_month(
        facility=facility,
        month=D(2024, 3, 1),
        total_days=3_400,
        medicare_days=300,
        actor=user,
        today=D(2024, 4, 5),
    )
    assert declaration.taxable_days == 3_100
    assert declaration.tier == "under_100k"
    assert declaration.tier_annual_days == 37_200  # no earlier months: 3,100 x 12
    assert declaration.rate == Decimal("20.59")
    assert declaration.fee == Decimal("63829.00")
    assert declaration.due_on == D(2024, 4, 30)
    assert AuditEvent.objects.filter(action="qaf.declaration.created").count() == 1
    # a correction replaces the figures, audited with the figures before
    declaration = declare_month(
        facility=facility,
        month=D(2024, 3, 1),
        total_days=3_300,
        medicare_days=300,
        actor=user,
        today=D(2024, 4, 6),
    )
    assert declaration.fee == Decimal("61770.00")  # 3,000 x 20.59
    event = AuditEvent.objects.get(action="qaf.declaration.corrected")
    assert event.data["before"]["fee"] == "63829.00"


def test_medicare_setting_included(facility_admin, settings) -> None:  # type: ignore[no-untyped-def]
    settings.QAF_EXCLUDE_MEDICARE_DAYS = False
    facility, user = facility_admin
    declaration = declare_month(
        facility=facility,
        month=D(2024, 3, 1),
        total_days=3_500,
        medicare_days=400,
        actor=user,
        today=D(2024, 4, 5),
    )
    assert (declaration.taxable_days, declaration.fee) == (3_500, Decimal("72065.00"))


def test_tier_from_previous_months(facility_admin) -> None:  # type: ignore[no-untyped-def]
    facility, user = facility_admin
    # 2023 months have no rate row: 2022's rate applies provisionally
    for month in range(3, 13):
        declare_month(
            facility=facility,
            month=D(2023, month, 1),
            total_days=8_400,
            medicare_days=0,
            actor=user,
            today=D(2024, 1, 10),
        )
    march = declare_month(
        facility=facility,
        month=D(2024, 3, 1),
        total_days=8_400,
        medicare_days=0,
        actor=user,
        today=D(2024, 4, 5),
    )
    # 10 months of 8,400 known = 84,000 x 12 / 10 = 100,800 -> 100,000 or more: $19.12
    assert (march.tier_annual_days, march.tier_annualised) == (100_800, True)
    assert march.rate == Decimal("19.12")
    assert march.fee == Decimal("160608.00")  # 8,400 x 19.12
    december = QafDeclaration.objects.get(facility=facility, month=D(2023, 12, 1))
    assert (december.rate_year.label, december.rate_is_final) == ("2022", False)


def test_future_month_and_bad_days_refused(facility_admin) -> None:  # type: ignore[no-untyped-def]
    facility, user = facility_admin
    with pytest.raises(QafInputError, match="still to come"):
        declare_month(
            facility=facility,
            month=D(2024, 5, 1),
            total_days=1,
            medicare_days=0,
            actor=user,
            today=D(2024, 4, 5),
        )
    with pytest.raises(QafInputError, match="Medicare"):
        declare_month(
            facility=facility,
            month=D(2024, 3, 1),
            total_days=1,
            medicare_days=2,
            actor=user,
            today=D(2024, 4, 5),
        )
    assert not QafDeclaration.objects.exists()


def test_declaration_csv_stored(facility_admin) -> None:  # type: ignore[no-untyped-def]
    facility, user = facility_admin
    stored = import_declarations(
        facility=facility,
        handle=csv_file(
            "Month,Total_Resident_Days,Medicare_Days\n2024-01,3100,0\n2024-02,2900,100\n"
        ),
        actor=user,
        today=D(2024, 4, 5),
    )
    assert [d.fee for d in stored] == [Decimal("63829.00"), Decimal("57652.00")]  # 2,800 x 20.59


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("month,total_resident_days\n2024-01,5\n", [(1, "medicare_days")]),  # missing column
        ("month,total_resident_days,medicare_days\n", [(2, "")]),  # no rows
        ("month,total_resident_days,medicare_days\n2024-13,5,0\n", [(2, "month")]),
        ("month,total_resident_days,medicare_days\n2024-01,x,0\n", [(2, "total_resident_days")]),
        ("month,total_resident_days,medicare_days\n2024-01,-5,0\n", [(2, "total_resident_days")]),
        ("month,total_resident_days,medicare_days\n2024-01,5,6\n", [(2, "medicare_days")]),
        ("month,total_resident_days,medicare_days\n2024-01,,0\n", [(2, "total_resident_days")]),
        ("month,total_resident_days,medicare_days\n2024-09,5,0\n", [(2, "month")]),  # future
        (
            "month,total_resident_days,medicare_days\n2024-01,5,0\n2024-01,6,0\n",
            [(3, "month")],
        ),  # same month twice
        ("month,total_resident_days,medicare_days\n2024-01,5,0,9\n", [(2, "")]),  # extra value
        ('month,total_resident_days,medicare_days\n"2024-01,5,0\n2024-02,5,0\n', [(2, "month")]),
        (
            "month,total_resident_days,medicare_days\n2024-01,99999999,0\n",
            [(2, "total_resident_days")],
        ),
    ],
)
def test_bad_declaration_csv_refused_nothing_written(
    facility_admin,
    text: str,
    expected: list[tuple[int, str]],  # type: ignore[no-untyped-def]
) -> None:
    facility, user = facility_admin
    with pytest.raises(CsvImportError) as exc:
        import_declarations(
            facility=facility,
            handle=csv_file(text),
            actor=user,
            today=D(2024, 4, 5),
        )
    assert errors_of(exc) == expected
    assert not QafDeclaration.objects.exists()


def test_bad_row_after_good_rows_writes_nothing(facility_admin) -> None:  # type: ignore[no-untyped-def]
    facility, user = facility_admin
    with pytest.raises(CsvImportError) as exc:
        import_declarations(
            facility=facility,
            handle=csv_file(
                "month,total_resident_days,medicare_days\n2024-01,3100,0\n2024-02,3100,0\n2024-03,1,2\n"
            ),
            actor=user,
            today=D(2024, 4, 5),
        )
    assert errors_of(exc) == [(4, "medicare_days")]
    assert "line 4, column medicare_days" in str(exc.value)
    assert not QafDeclaration.objects.exists()


RATE_HEADER = "rate_year,starts_on,ends_on,rate_under_100k,rate_over_100k,cms_approved_on\n"


def test_rate_csv_imported_and_late_approval_adjusts(facility_admin) -> None:  # type: ignore[no-untyped-def]
    facility, user = facility_admin
    admin = UserFactory.create(role=Role.PROGRAM_ADMIN)
    # January 2025 declared before a 2025 rate exists: 2024's $20.59 provisionally
    january = declare_month(
        facility=facility,
        month=D(2025, 1, 1),
        total_days=3_000,
        medicare_days=0,
        actor=user,
        today=D(2025, 2, 10),
    )
    assert (january.rate, january.rate_is_final, january.fee) == (
        Decimal("20.59"),
        False,
        Decimal("61770.00"),
    )
    # the 2025 rates arrive unapproved: nothing owed yet
    import_rate_years(
        handle=csv_file(RATE_HEADER + "2025,2025-01-01,2025-12-31,20.93,19.46,\n"), actor=admin
    )
    assert not QafRateAdjustment.objects.exists()
    # approved on 15 May 2025: 3,000 x (20.93 - 20.59) = 3,000 x 0.34 = 1,020.00, due 30 June 2025
    import_rate_years(
        handle=csv_file(RATE_HEADER + "2025,2025-01-01,2025-12-31,20.93,19.46,2025-05-15\n"),
        actor=admin,
    )
    adjustment = QafRateAdjustment.objects.get()
    assert (adjustment.old_rate, adjustment.new_rate, adjustment.amount) == (
        Decimal("20.59"),
        Decimal("20.93"),
        Decimal("1020.00"),
    )
    assert adjustment.due_on >= D(2025, 6, 30)
    # once only
    assert apply_rate_approval(rate_year=QafRateYear.objects.get(label="2025"), actor=admin) == []
    assert QafRateAdjustment.objects.count() == 1


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("2025,2025-01-01,2025-12-31,0,19.46,\n", [(2, "rate_under_100k")]),
        ("2025,2025-01-01,2025-12-31,20.931,19.46,\n", [(2, "rate_under_100k")]),
        ("2025,2025-01-01,2025-12-31,abc,19.46,\n", [(2, "rate_under_100k")]),
        ("2025,2025-01-01,2024-12-31,20.93,19.46,\n", [(2, "ends_on")]),
        ("2025,2025-02-30,2025-12-31,20.93,19.46,\n", [(2, "starts_on")]),
        ("2025,2025-01-15,2025-12-31,20.93,19.46,\n", [(2, "starts_on")]),
        ("2025,2025-01-01,2025-12-31,20.93,19.46,15/05/2025\n", [(2, "cms_approved_on")]),
        ("2025b,2024-06-01,2025-05-31,20.93,19.46,\n", [(2, "starts_on")]),  # overlaps 2024
        (",2025-01-01,2025-12-31,20.93,19.46,\n", [(2, "rate_year")]),
        (
            "2025,2025-01-01,2025-12-31,20.93,19.46,\n2025,2026-01-01,2026-12-31,20.93,19.46,\n",
            [(3, "rate_year")],
        ),
        (
            "2025,2025-01-01,2025-12-31,20.93,19.46,\n2026,2025-12-01,2026-12-31,21,20,\n",
            [(3, "starts_on")],
        ),  # overlaps the line above
    ],
)
def test_bad_rate_csv_refused_nothing_written(rows: str, expected: list[tuple[int, str]]) -> None:
    admin = UserFactory.create(role=Role.PROGRAM_ADMIN)
    with pytest.raises(CsvImportError) as exc:
        import_rate_years(handle=csv_file(RATE_HEADER + rows), actor=admin)
    assert errors_of(exc) == expected
    assert QafRateYear.objects.count() == len(RATE_TABLE)


def test_payment_recorded_and_checked(facility_admin) -> None:  # type: ignore[no-untyped-def]
    facility, user = facility_admin
    declaration = declare_month(
        facility=facility,
        month=D(2024, 3, 1),
        total_days=3_100,
        medicare_days=0,
        actor=user,
        today=D(2024, 4, 5),
    )
    payment = record_payment(
        declaration=declaration,
        paid_on=D(2024, 4, 29),
        amount=Decimal("63829.00"),
        method="eft",
        reference=" EFT-123 ",
        actor=user,
        today=D(2024, 4, 30),
    )
    assert payment.reference == "EFT-123"
    assert AuditEvent.objects.filter(action="qaf.payment.recorded").count() == 1
    cases: list[tuple[dict[str, Any], str]] = [
        ({"amount": Decimal(0)}, "zero"),
        ({"paid_on": D(2024, 5, 1)}, "future"),
        ({"paid_on": D(2024, 2, 1)}, "before the month"),
        ({"reference": " "}, "check number"),
    ]
    for kwargs, message in cases:
        values: dict[str, Any] = {
            "paid_on": D(2024, 4, 29),
            "amount": Decimal("1.00"),
            "reference": "X",
            **kwargs,
        }
        with pytest.raises(QafInputError, match=message):
            record_payment(
                declaration=declaration, method="eft", actor=user, today=D(2024, 4, 30), **values
            )
    assert QafPayment.objects.count() == 1


def test_participation_history_set_by_program_admins(facility_admin) -> None:  # type: ignore[no-untyped-def]
    facility, user = facility_admin
    admin = UserFactory.create(role=Role.PROGRAM_ADMIN)
    assert current_participation(facility) is None
    with pytest.raises(QafInputError, match="program administrators"):
        set_participation(
            facility=facility,
            pays_fee=False,
            exemption_reason="ccrc",
            effective_on=D(2024, 1, 1),
            actor=user,
        )
    with pytest.raises(QafInputError, match="reason"):
        set_participation(
            facility=facility, pays_fee=False, effective_on=D(2024, 1, 1), actor=admin
        )
    set_participation(
        facility=facility,
        pays_fee=False,
        exemption_reason="distinct_part",
        effective_on=D(2024, 1, 1),
        actor=admin,
    )
    latest = set_participation(
        facility=facility,
        pays_fee=True,
        effective_on=D(2024, 7, 1),
        actor=admin,
        note="Hospital sold the unit",
    )
    assert current_participation(facility) == latest
    assert QafParticipation.objects.filter(facility=facility).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        QafParticipation.objects.create(
            facility=facility,
            pays_fee=False,
            exemption_reason="",
            effective_on=D(2024, 1, 1),
            set_at=latest.set_at,
        )
