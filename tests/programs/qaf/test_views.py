"""QAF pages: a facility declares a month and records a payment, sees its statements; another
facility's pages are a 404; the plan's list of facilities late or not declared."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programs.qaf.models import QafDeclaration, QafPayment
from programs.qaf.services.declarations import declare_month, record_payment

pytestmark = pytest.mark.django_db
D = datetime.date
MARCH_2024 = D(2024, 3, 1)


def _declared(world, month=MARCH_2024, total=3_400, medicare=300):  # type: ignore[no-untyped-def]
    return declare_month(
        facility=world.facility,
        month=month,
        total_days=total,
        medicare_days=medicare,
        actor=world.users["facility_admin"],
        today=month + datetime.timedelta(days=40),
    )


def test_facility_admin_declares_and_pays(client_as, world) -> None:  # type: ignore[no-untyped-def]
    client = client_as("facility_admin")
    response = client.post(
        reverse("qaf:declare", args=[world.facility.pk]),
        {"month": "2024-03", "total_days": "3400", "medicare_days": "300"},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "$63,829.00" in page
    assert "30 April 2024" in page
    response = client.post(
        reverse("qaf:payment", args=[world.facility.pk, 2024, 3]),
        {"paid_on": "2024-04-29", "amount": "63829.00", "method": "eft", "reference": "EFT-77"},
        follow=True,
    )
    assert "EFT-77" in response.content.decode()
    assert QafPayment.objects.get().amount == Decimal("63829.00")
    months = client.get(reverse("qaf:facility", args=[world.facility.pk])).content.decode()
    assert "March 2024" in months
    assert "<td>Paid</td>" in months


def test_declare_form_errors_named(client_as, world) -> None:  # type: ignore[no-untyped-def]
    response = client_as("facility_admin").post(
        reverse("qaf:declare", args=[world.facility.pk]),
        {"month": "2024-3x", "total_days": "10", "medicare_days": "11"},
    )
    page = response.content.decode()
    assert "Enter a month like 2024-03." in page
    assert "Medicare days cannot exceed" in page
    assert not QafDeclaration.objects.exists()


def test_bad_csv_upload_lists_line_and_column(client_as, world) -> None:  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile(
        "months.csv", b"month,total_resident_days,medicare_days\n2024-01,3100,0\n2024-02,x,0\n"
    )
    response = client_as("facility_admin").post(
        reverse("qaf:upload", args=[world.facility.pk]), {"file": upload}
    )
    assert response.status_code == 400
    assert "line 3, column total_resident_days" in response.content.decode()
    assert not QafDeclaration.objects.exists()


def test_statements_pdf_and_csv(client_as, world) -> None:  # type: ignore[no-untyped-def]
    _declared(world)
    client = client_as("facility_staff")
    pdf = client.get(reverse("qaf:month_statement_pdf", args=[world.facility.pk, 2024, 3]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = client.get(
        reverse("qaf:month_statement_csv", args=[world.facility.pk, 2024, 3])
    ).content.decode()
    assert "Fee,63829.00" in text
    assert "Due date,2024-04-30" in text
    quarter = client.get(
        reverse("qaf:quarter_statement_csv", args=[world.facility.pk, 2024, 1])
    ).content.decode()
    assert 'Shortfall, paid with the report",63829.00' in quarter
    assert client.get(
        reverse("qaf:quarter_statement_pdf", args=[world.facility.pk, 2024, 1])
    ).content.startswith(b"%PDF")


def test_other_facility_gets_404_everywhere(client_as, world) -> None:  # type: ignore[no-untyped-def]
    _declared(world)
    other = client_as("other_facility_staff")
    pk = world.facility.pk
    for url in [
        reverse("qaf:facility", args=[pk]),
        reverse("qaf:declare", args=[pk]),
        reverse("qaf:month", args=[pk, 2024, 3]),
        reverse("qaf:month_statement_pdf", args=[pk, 2024, 3]),
        reverse("qaf:month_statement_csv", args=[pk, 2024, 3]),
        reverse("qaf:quarters", args=[pk, 2024]),
        reverse("qaf:quarter_statement_pdf", args=[pk, 2024, 1]),
        reverse("qaf:annual", args=[pk, 2024]),
    ]:
        assert other.get(url).status_code == 404, url
    response = other.post(
        reverse("qaf:payment", args=[pk, 2024, 3]),
        {"paid_on": "2024-04-29", "amount": "1.00", "method": "eft", "reference": "X"},
    )
    assert response.status_code == 404
    assert not QafPayment.objects.exists()
    # the list shows only the user's own facility
    page = other.get(reverse("qaf:home")).content.decode()
    assert world.other_facility.name in page
    assert world.facility.name not in page


def test_late_month_shows_timeline_with_estimates(client_as, world) -> None:  # type: ignore[no-untyped-def]
    declaration = _declared(world)
    record_payment(
        declaration=declaration,
        paid_on=D(2024, 7, 10),
        amount=Decimal("63829.00"),
        method="check",
        reference="CHK-9",
        actor=world.users["facility_admin"],
        today=D(2024, 7, 10),
    )
    page = (
        client_as("facility_admin")
        .get(reverse("qaf:month", args=[world.facility.pk, 2024, 3]))
        .content.decode()
    )
    assert "29 June 2024 (day 60)" in page
    assert "14 July 2024" in page
    # interest 30 June - 9 July: 10 days x 63,829 x 7% / 365 = 122.41 (estimate)
    assert "Interest (estimate)" in page
    assert "$122.41" in page
    assert "Paid late" in page


def test_plan_list_late_or_not_declared_with_csv(client_as, world) -> None:  # type: ignore[no-untyped-def]
    _declared(world)  # March 2024, never paid: overdue
    client = client_as("ltss_liaison")
    page = client.get(reverse("qaf:home") + "?q=Alder&sort=overdue").content.decode()
    assert world.facility.name in page
    assert world.other_facility.name not in page  # filtered by the search
    assert "1 month overdue" in page
    csv_text = client.get(reverse("qaf:home") + "?show=all&format=csv").content.decode()
    lines = csv_text.splitlines()
    assert lines[0].startswith("facility_npi,facility_name")
    assert any("63829.00" in line and world.facility.npi in line for line in lines)
    assert any(world.other_facility.npi in line for line in lines)


def test_plan_staff_read_but_cannot_declare(client_as, world) -> None:  # type: ignore[no-untyped-def]
    response = client_as("program_admin").post(
        reverse("qaf:declare", args=[world.facility.pk]),
        {"month": "2024-03", "total_days": "3400", "medicare_days": "300"},
    )
    assert response.status_code == 403
    assert not QafDeclaration.objects.exists()


def test_rate_upload_by_program_admin(client_as, world) -> None:  # type: ignore[no-untyped-def]
    bad = SimpleUploadedFile(
        "rates.csv",
        b"rate_year,starts_on,ends_on,rate_under_100k\n2025,2025-01-01,2025-12-31,-1\n",
    )
    response = client_as("program_admin").post(reverse("qaf:rate_upload"), {"file": bad})
    assert response.status_code == 400
    assert "line 2, column rate_under_100k" in response.content.decode()
    good = SimpleUploadedFile(
        "rates.csv",
        b"rate_year,starts_on,ends_on,rate_under_100k\n2025,2025-01-01,2025-12-31,20.93\n",
    )
    response = client_as("program_admin").post(
        reverse("qaf:rate_upload"), {"file": good}, follow=True
    )
    assert "$20.93" in response.content.decode()


def test_nav_entry_for_snf_and_plan_users_only(client_as, world) -> None:  # type: ignore[no-untyped-def]
    assert "Quality Assurance Fee" in client_as("facility_staff").get("/").content.decode()
    assert "Quality Assurance Fee" in client_as("ltss_liaison").get("/").content.decode()
    assert "Quality Assurance Fee" not in client_as("ecm_provider_staff").get("/").content.decode()


def test_declare_prefilled_from_plan_claims_marked(client_as, world) -> None:  # type: ignore[no-untyped-def]
    from portal.registry.claims_days import claims_days
    from programs.wqip.models import BedDayComputation, BedDayMonth

    computation = BedDayComputation.objects.create(
        program_year=2024, status=BedDayComputation.Status.FINISHED
    )
    # 1,100 qualifying + 40 hospice + 12 discharge days (not a resident day) = 1,140
    BedDayMonth.objects.create(
        computation=computation,
        facility=world.facility,
        program_year=2024,
        month=3,
        qualifying_days=1_100,
        hospice=40,
        discharge_day=12,
    )
    assert claims_days(facility_id=world.facility.pk, month=D(2024, 3, 1)).days == 1_140  # type: ignore[union-attr]
    page = (
        client_as("facility_admin")
        .get(reverse("qaf:declare", args=[world.facility.pk]) + "?month=2024-03")
        .content.decode()
    )
    assert "Plan claims only — your census includes other payers." in page
    assert 'value="1140"' in page
    assert "WQIP bed days 2024" in page
    # a month without claims: no prefill, no figure
    page = (
        client_as("facility_admin")
        .get(reverse("qaf:declare", args=[world.facility.pk]) + "?month=2024-04")
        .content.decode()
    )
    assert "Plan claims only" not in page
    assert "no days of April 2024" in page
