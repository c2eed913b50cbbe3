"""Accepting RTF/OTF files: on time or late by the California day of receipt, all or nothing,
resubmission replaces the month and keeps history, the month is rescored."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.files.csvio import CsvImportError
from portal.models import AuditEvent, Role
from programs.ecm.intake import samples
from programs.ecm.intake.columns import RTF
from programs.ecm.models import MonthScore, OtfAttempt, ReportFile, RtfMember
from programs.ecm.services.settings import create_year
from tests.programs.ecm.factories import (
    make_provider,
    make_provider_user,
    otf_content,
    pacific,
    rtf_content,
    send,
)

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def setup(world):
    year = create_year(year=2026, actor=world.users["program_admin"])
    harbor = make_provider("harbor")
    valley = make_provider("valley")
    return {
        "year": year,
        "harbor": harbor,
        "valley": valley,
        "admin": make_provider_user(harbor),
        "valley_admin": make_provider_user(valley),
        "manager": world.users["program_admin"],
    }


def test_on_time_rtf_makes_its_members_eligible(setup, monkeypatch):
    s = setup
    # due 10 April 2026; 23:30 in California is 06:30 UTC on the 11th: on time
    report = send(
        monkeypatch,
        provider=s["harbor"],
        user=s["admin"],
        year=s["year"],
        month=3,
        kind="rtf",
        content=rtf_content(s["harbor"], 2026, 3, 40),
        at=pacific(2026, 4, 10, 23, 30),
    )
    assert report.on_time is True
    assert report.due_on == datetime.date(2026, 4, 10)
    assert report.row_count == 40
    assert report.members == 38  # every 20th sample member is Pending: 0 and 20 are not counted
    assert RtfMember.objects.filter(file=report).count() == 40
    score = MonthScore.objects.get(provider=s["harbor"], month=3)
    assert (score.rtf_on_time, score.otf_on_time) == (True, None)
    assert score.eligible_members == 38
    # 38 x $10 = $380 pool; RTF 1/1 on time, OTF missing: 0 -> $380 x 1/2 = $190.00
    assert score.amount == D("190.00")
    assert score.lateness_cost == D("0.00")
    event = AuditEvent.objects.get(action="ecm.file_accepted")
    assert event.actor == s["admin"]
    assert event.data["on_time"] is True


def test_late_rtf_counts_no_member_and_says_what_it_cost(setup, monkeypatch):
    s = setup
    send(
        monkeypatch,
        provider=s["harbor"],
        user=s["admin"],
        year=s["year"],
        month=3,
        kind="otf",
        content=otf_content(s["harbor"], 2026, 3, 10),
        at=pacific(2026, 4, 9),
    )
    report = send(
        monkeypatch,
        provider=s["harbor"],
        user=s["admin"],
        year=s["year"],
        month=3,
        kind="rtf",
        content=rtf_content(s["harbor"], 2026, 3, 40),
        at=pacific(2026, 4, 11, 0, 5),  # five minutes after the due day ended
    )
    assert report.on_time is False
    score = MonthScore.objects.get(provider=s["harbor"], month=3)
    assert (score.rtf_on_time, score.otf_on_time, score.rtf_days_late) == (False, True, 1)
    assert score.members == 38
    assert score.eligible_members == 0
    assert score.amount == D("0.00")
    # on time it would have been $380 x (1/2 x 1 + 1/2 x 1) = $380.00
    assert score.lateness_cost == D("380.00")


def test_resubmission_replaces_the_month_keeps_history_and_its_first_timeliness(setup, monkeypatch):
    s = setup
    first = send(
        monkeypatch,
        provider=s["harbor"],
        user=s["admin"],
        year=s["year"],
        month=3,
        kind="rtf",
        content=rtf_content(s["harbor"], 2026, 3, 40),
        at=pacific(2026, 4, 8),
    )
    second = send(
        monkeypatch,
        provider=s["harbor"],
        user=s["admin"],
        year=s["year"],
        month=3,
        kind="rtf",
        content=rtf_content(s["harbor"], 2026, 3, 21),
        at=pacific(2026, 4, 20),
    )
    first.refresh_from_db()
    assert (first.is_current, second.is_current) == (False, True)
    assert second.replaces == first
    assert second.on_time is False
    assert second.month_on_time is True
    assert RtfMember.objects.filter(file=first).count() == 40  # history keeps its rows
    score = MonthScore.objects.get(provider=s["harbor"], month=3)
    assert score.rtf_file == second
    assert score.rtf_on_time is True
    assert score.eligible_members == 19  # 21 rows, members 0 and 20 Pending
    assert score.amount == D("95.00")  # 19 x $10 x 1/2


@pytest.mark.parametrize(
    ("header", "value", "expected"),
    [
        (
            "Member Client Index Number (CIN)",
            "12",
            "line 3, column Member Client Index Number (CIN)",
        ),
        ("ECM Enrollment Start Date", "31/02/2026", "line 3, column ECM Enrollment Start Date"),
        ("Member ECM Status", "Gone", "line 3, column Member ECM Status"),
        (
            "ECM Provider National Provider Identifier (NPI)",
            "1987654328",
            "line 3, column ECM Provider National Provider Identifier (NPI)",
        ),
        (
            "Member Information File Reporting Period",
            "2026-04",
            "line 3, column Member Information File Reporting Period",
        ),
    ],
)
def test_a_defective_rtf_is_refused_whole_and_nothing_is_written(
    setup, monkeypatch, header, value, expected
):
    s = setup
    rows = samples.rtf_rows(
        year=2026,
        month=3,
        npi=s["harbor"].npi,
        tin=s["harbor"].tin,
        provider_name=s["harbor"].name,
        members=5,
    )
    rows[1][header] = value
    events = AuditEvent.objects.count()
    with pytest.raises(CsvImportError) as caught:
        send(
            monkeypatch,
            provider=s["harbor"],
            user=s["admin"],
            year=s["year"],
            month=3,
            kind="rtf",
            content=samples.to_csv(RTF, rows),
            at=pacific(2026, 4, 8),
        )
    assert str(caught.value.errors[0]).startswith(expected)
    assert ReportFile.objects.count() == 0
    assert RtfMember.objects.count() == 0
    assert OtfAttempt.objects.count() == 0
    assert MonthScore.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_a_provider_sends_only_its_own_files_and_snf_users_none(setup, world, monkeypatch):
    s = setup
    content = rtf_content(s["harbor"], 2026, 3, 3)
    for user in (s["valley_admin"], world.users["facility_admin"], world.users["finance_analyst"]):
        with pytest.raises(PermissionDenied):
            send(
                monkeypatch,
                provider=s["harbor"],
                user=user,
                year=s["year"],
                month=3,
                kind="rtf",
                content=content,
                at=pacific(2026, 4, 8),
            )
    assert ReportFile.objects.count() == 0


def test_a_month_not_begun_is_refused(setup, monkeypatch):
    s = setup
    with pytest.raises(ValidationError, match="has not begun"):
        send(
            monkeypatch,
            provider=s["harbor"],
            user=s["admin"],
            year=s["year"],
            month=5,
            kind="rtf",
            content=rtf_content(s["harbor"], 2026, 5, 3),
            at=pacific(2026, 4, 30, 23, 59),
        )


def test_plan_import_keeps_the_original_receipt_time_and_working_day_due_date(setup):
    from programs.ecm.services import intake

    s = setup
    year = s["year"]
    year.due_day = 10
    year.due_in_working_days = True
    year.save()
    report = intake.accept_report(
        provider=s["harbor"],
        measurement_year=year,
        month=3,
        kind="rtf",
        content=rtf_content(s["harbor"], 2026, 3, 3),
        file_name="rtf.csv",
        actor=s["manager"],
        received_at=pacific(2026, 4, 14, 17),
    )
    # April 2026's 10th working day is Tuesday 14 April
    assert report.due_on == datetime.date(2026, 4, 14)
    assert report.on_time is True
    assert report.source == ReportFile.Source.IMPORT
    assert report.uploaded_by.role == Role.PROGRAM_ADMIN


def test_changing_the_settings_rescores_the_stored_months(setup, monkeypatch):
    from programs.ecm.services.settings import MeasureSetting, save_year_settings

    s = setup
    send(
        monkeypatch,
        provider=s["harbor"],
        user=s["admin"],
        year=s["year"],
        month=3,
        kind="rtf",
        content=rtf_content(s["harbor"], 2026, 3, 40),
        at=pacific(2026, 4, 9),
    )
    assert MonthScore.objects.get(provider=s["harbor"], month=3).amount == D("190.00")
    year = s["year"]
    save_year_settings(
        measurement_year=year,
        values={
            "scoring_model": "timeliness",
            "rate_per_member_month": D("20.00"),
            "score_mapping": "linear",
            "cap_percent": D("5"),
            "cap_amount": None,
            "due_day": 10,
            "due_in_working_days": False,
            "mcp_id": "MCP001",
            "codes": year.codes,
            "counted_statuses": ["Active"],
        },
        measures=[MeasureSetting("rtf_timely", weight=D("1"))],
        bands=[],
        actor=s["manager"],
    )
    # 38 x $20 x 1 (only the RTF measure now) = $760.00
    assert MonthScore.objects.get(provider=s["harbor"], month=3).amount == D("760.00")


def test_import_command_keeps_the_original_receipt_time(setup, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    s = setup
    path = tmp_path / "rtf_2026_03.csv"
    path.write_bytes(rtf_content(s["harbor"], 2026, 3, 4))
    out = StringIO()
    call_command(
        "import_ecm_file",
        str(path),
        provider_npi=s["harbor"].npi,
        year=2026,
        month=3,
        kind="rtf",
        received_at="2026-04-11T08:00",
        actor=s["manager"].email,
        stdout=out,
    )
    assert "4 rows, late (due 2026-04-10)" in out.getvalue()
    report = ReportFile.objects.get()
    assert report.received_at == pacific(2026, 4, 11, 8)
    path.write_bytes(b"not,an,rtf\n1,2,3\n")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_ecm_file",
            str(path),
            provider_npi=s["harbor"].npi,
            year=2026,
            month=3,
            kind="rtf",
            actor=s["manager"].email,
        )
    assert ReportFile.objects.count() == 1


def _workbook(rows: list[dict[str, str]], *, sheet: str = "RTF") -> bytes:
    import datetime as dt
    import io

    from openpyxl import Workbook

    from programs.ecm.intake.columns import COLUMNS

    workbook = Workbook()
    workbook.active.title = "Instructions"
    target = workbook.create_sheet(sheet)
    headers = [c.header for c in COLUMNS["rtf"]]
    target.append(headers)
    for row in rows:
        values: list[object] = []
        for header in headers:
            value = row[header]
            if header == "ECM Enrollment Start Date" and value:
                values.append(dt.datetime.fromisoformat(value))  # a real Excel date cell
            else:
                values.append(value)
        target.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_excel_workbook_is_read_from_its_rtf_sheet(setup, monkeypatch):
    s = setup
    rows = samples.rtf_rows(
        year=2026,
        month=3,
        npi=s["harbor"].npi,
        tin=s["harbor"].tin,
        provider_name=s["harbor"].name,
        members=6,
    )
    report = send(
        monkeypatch,
        provider=s["harbor"],
        user=s["admin"],
        year=s["year"],
        month=3,
        kind="rtf",
        content=_workbook(rows),
        at=pacific(2026, 4, 9),
    )
    assert report.row_count == 6
    first = RtfMember.objects.filter(file=report).order_by("line").first()
    assert first is not None
    assert first.enrollment_start == datetime.date(2026, 1, 1)  # the Excel date cell
    rows[2]["Member ECM Status"] = "Gone"
    with pytest.raises(CsvImportError) as caught:
        send(
            monkeypatch,
            provider=s["harbor"],
            user=s["admin"],
            year=s["year"],
            month=3,
            kind="rtf",
            content=_workbook(rows),
            at=pacific(2026, 4, 9),
        )
    assert str(caught.value.errors[0]).startswith("line 4, column Member ECM Status")
    with pytest.raises(CsvImportError, match="not a readable Excel workbook"):
        send(
            monkeypatch,
            provider=s["harbor"],
            user=s["admin"],
            year=s["year"],
            month=3,
            kind="rtf",
            content=b"PK\x03\x04broken",
            at=pacific(2026, 4, 9),
        )
    assert ReportFile.objects.count() == 1
