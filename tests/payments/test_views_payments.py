"""The flows behind the payments pages (permissions: tests/permissions/matrix_payments_runs.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from payments.models import (
    LedgerEntry,
    PaymentRun,
)
from payments.services import approve_payment_run
from portal.models import Role
from programs.wqip.models import PerDiemExhibit
from programs.wqip.services.payments import start_payment_run
from tests.factories import FacilityFactory, UserFactory
from tests.roles import give_totp

pytestmark = pytest.mark.django_db


def make_user(role: str, facilities=()):  # type: ignore[no-untyped-def]
    user = UserFactory.create(role=role, facilities=list(facilities))
    if user.requires_mfa:
        give_totp(user)
    return user


@pytest.fixture
def draft(payable_facility, analyst):
    return start_payment_run(program_year=2024, exhibit_kind="interim", started_by=analyst)


def test_given_draft_when_approver_confirms_then_posted(client, draft, payable_facility):
    # given
    approver = make_user(Role.FINANCE_APPROVER)
    client.force_login(approver)
    # when
    response = client.post(reverse("payments:run_approve", args=[draft.pk]), {"confirm": "on"})
    # then
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == PaymentRun.Status.POSTED
    assert LedgerEntry.objects.get().amount == Decimal("2000.00")


def test_given_draft_when_approver_posts_without_confirming_then_nothing_posted(client, draft):
    # given
    client.force_login(make_user(Role.FINANCE_APPROVER))
    # when
    response = client.post(reverse("payments:run_approve", args=[draft.pk]), {})
    # then
    assert response.status_code == 200
    assert not LedgerEntry.objects.exists()


def test_given_draft_started_by_approver_when_same_person_approves_then_forbidden(
    client, payable_facility
):
    # given
    approver = make_user(Role.FINANCE_APPROVER)
    run = start_payment_run(program_year=2024, exhibit_kind="interim", started_by=approver)
    client.force_login(approver)
    # when
    response = client.post(reverse("payments:run_approve", args=[run.pk]), {"confirm": "on"})
    # then
    assert response.status_code == 403
    assert not LedgerEntry.objects.exists()


def test_given_analyst_when_starts_run_from_page_then_draft_computed(
    client, payable_facility, django_capture_on_commit_callbacks
):
    # given
    client.force_login(make_user(Role.FINANCE_ANALYST))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("payments:run_start"), {"program_year": 2024, "kind": "wqip:interim"}
        )
    # then
    run = PaymentRun.objects.get()
    assert response.status_code == 302
    assert run.status == PaymentRun.Status.DRAFT
    page = client.get(reverse("payments:run_detail", args=[run.pk]))
    assert payable_facility.name in page.content.decode()


def test_given_draft_when_exported_as_xlsx_then_workbook_has_one_row_per_facility(client, draft):
    from io import BytesIO

    from openpyxl import load_workbook

    # given
    client.force_login(make_user(Role.FINANCE_ANALYST))
    # when
    response = client.get(reverse("payments:run_export", args=[draft.pk, "xlsx"]))
    # then
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.max_row == 2
    assert sheet["I2"].value == 2000


def test_given_posted_payment_when_statement_pdf_requested_then_pdf_returned(
    client, draft, approver, payable_facility
):
    # given
    from payments.services import approve_payment_run

    approve_payment_run(run=draft, approver=approver)
    line = draft.lines.get()
    client.force_login(make_user(Role.FACILITY_STAFF, [payable_facility]))
    # when
    response = client.get(reverse("payments:statement_pdf", args=[line.pk]))
    # then
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_given_facility_user_when_statement_csv_requested_then_amounts_listed(
    client, draft, approver, payable_facility
):
    # given
    from payments.services import approve_payment_run

    approve_payment_run(run=draft, approver=approver)
    client.force_login(make_user(Role.FACILITY_ADMIN, [payable_facility]))
    # when
    response = client.get(reverse("payments:statement_csv", args=[draft.lines.get().pk]))
    # then
    text = response.content.decode()
    assert "Net amount,2000.00" in text
    assert "Due date,2025-06-26" in text


def test_given_bad_per_diem_file_when_uploaded_then_errors_listed_and_nothing_stored(
    client, tmp_path
):
    # given
    client.force_login(make_user(Role.FINANCE_ANALYST))
    upload = tmp_path / "pd.csv"
    upload.write_text("facility_npi,per_diem\n1234567893,1\n", encoding="utf-8")
    # when
    with open(upload, "rb") as handle:
        response = client.post(
            reverse("wqip:upload_per_diems"),
            {
                "program_year": 2024,
                "exhibit": "interim",
                "received_on": "2025-05-12",
                "file": handle,
            },
        )
    # then
    assert response.status_code == 200
    assert (
        "line 2, column facility_npi: unknown facility NPI 1234567893" in response.content.decode()
    )
    assert not PerDiemExhibit.objects.exists()


def test_given_good_per_diem_file_when_uploaded_then_exhibit_stored(client, tmp_path):
    # given
    facility = FacilityFactory.create()
    client.force_login(make_user(Role.FINANCE_ANALYST))
    upload = tmp_path / "pd.csv"
    upload.write_text(f"facility_npi,per_diem\n{facility.npi},19.875\n", encoding="utf-8")
    # when
    with open(upload, "rb") as handle:
        response = client.post(
            reverse("wqip:upload_per_diems"),
            {"program_year": 2024, "exhibit": "final", "received_on": "2025-12-29", "file": handle},
        )
    # then
    assert response.status_code == 302
    exhibit = PerDiemExhibit.objects.get()
    assert (exhibit.kind, exhibit.received_on) == ("final", datetime.date(2025, 12, 29))


def test_given_draft_past_its_due_date_when_shown_then_flagged_past_due(client, draft):
    # given: the draft's due date (2025-06-26) is behind us and nothing was posted
    client.force_login(make_user(Role.FINANCE_ANALYST))
    # when
    page = client.get(reverse("payments:run_detail", args=[draft.pk])).content.decode()
    # then
    assert "past due" in page


def test_given_facility_user_when_other_facility_page_requested_then_404(client, draft):
    # given
    client.force_login(make_user(Role.FACILITY_STAFF, [FacilityFactory.create()]))
    # when
    response = client.get(
        reverse("payments:facility_payments", args=[draft.lines.get().facility.npi])
    )
    # then
    assert response.status_code == 404


def test_given_run_posted_after_its_due_date_when_shown_then_paid_days_late_not_past_due(
    client, draft
):
    # given: the draft's due date is 2025-06-26; it is posted today, long after
    approver = make_user(Role.FINANCE_APPROVER)
    approve_payment_run(run=draft, approver=approver)
    late = (timezone.localdate() - datetime.date(2025, 6, 26)).days
    client.force_login(approver)
    # when
    page = client.get(reverse("payments:run_detail", args=[draft.pk])).content.decode()
    ledger = client.get(reverse("payments:ledger")).content.decode()
    # then
    assert f"paid {late} days late" in page
    assert f"paid {late} days late" in ledger
    assert "past due" not in page


def test_given_posted_run_when_pages_shown_then_amounts_in_dollars_and_csv_plain(client, draft):
    # given: 100 days x 20.0000 = 2,000.00
    approve_payment_run(run=draft, approver=make_user(Role.FINANCE_APPROVER))
    client.force_login(make_user(Role.FINANCE_ANALYST))
    # when
    page = client.get(reverse("payments:run_detail", args=[draft.pk])).content.decode()
    csv_text = client.get(reverse("payments:run_export", args=[draft.pk, "csv"])).content.decode()
    # then
    assert "$2,000.00" in page
    assert ",2000.00," in csv_text
    assert "$" not in csv_text
