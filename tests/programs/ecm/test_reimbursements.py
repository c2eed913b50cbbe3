"""Reimbursement base import (the 100-point model's total reimbursement): all or nothing,
errors by line and column, and the months rescored with the new base."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from portal.files.csvio import CsvImportError
from programs.ecm.models import MonthScore, ReimbursementBase, ScoringModel
from programs.ecm.services.reimbursements import import_reimbursements
from programs.ecm.services.settings import MeasureSetting, create_year, save_year_settings
from tests.programs.ecm.factories import (
    make_provider,
    make_provider_user,
    pacific,
    rtf_content,
    send,
)

pytestmark = pytest.mark.django_db
D = Decimal


def test_import_sets_the_base_and_rescores_the_100_point_months(world, tmp_path, monkeypatch):
    manager = world.users["program_admin"]
    year = create_year(year=2026, actor=manager)
    save_year_settings(
        measurement_year=year,
        values={
            "scoring_model": ScoringModel.POINTS,
            "rate_per_member_month": D("10"),
            "score_mapping": "linear",
            "cap_percent": D("5"),
            "cap_amount": None,
            "due_day": 10,
            "due_in_working_days": False,
            "mcp_id": "MCP001",
            "codes": year.codes,
            "counted_statuses": ["Active"],
        },
        measures=[
            MeasureSetting("rtf_timely", points=60, target=D("1")),
            MeasureSetting("otf_timely", points=40, target=D("1")),
        ],
        bands=[],
        actor=manager,
    )
    harbor = make_provider("harbor")
    admin = make_provider_user(harbor)
    send(
        monkeypatch,
        provider=harbor,
        user=admin,
        year=year,
        month=1,
        kind="rtf",
        content=rtf_content(harbor, 2026, 1, 5),
        at=pacific(2026, 2, 9),
    )
    assert MonthScore.objects.get(provider=harbor, month=1).amount == D("0.00")  # no base yet
    path = tmp_path / "reimbursements.csv"
    path.write_text("provider_npi,year,amount\n1234567893,2026,240000.00\n")
    summary = import_reimbursements(path=path, actor=manager)
    assert (summary.created, summary.updated) == (1, 0)
    # January: RTF on time (60 points), no OTF (0): 60 points -> 5% x 60% = 3% of a twelfth of
    # $240,000 = $20,000 x 3% = $600.00
    score = MonthScore.objects.get(provider=harbor, month=1)
    assert score.points == 60
    assert score.amount == D("600.00")
    path.write_text("provider_npi,year,amount\n1234567893,2026,240000.00\n")
    assert import_reimbursements(path=path, actor=manager).unchanged == 1


def test_bad_rows_are_named_and_nothing_is_written(world, tmp_path):
    create_year(year=2026, actor=world.users["program_admin"])
    make_provider("harbor")
    path = tmp_path / "bad.csv"
    path.write_text(
        "provider_npi,year,amount\n"
        "1234567893,2026,100.00\n"
        "1111111111,2026,5\n"
        "1234567893,2031,5\n"
        "1234567893,2026,12.345\n"
        "1234567893,2026,7\n"
    )
    with pytest.raises(CsvImportError) as caught:
        import_reimbursements(path=path)
    assert [str(e) for e in caught.value.errors] == [
        "line 3, column provider_npi: no ECM provider has NPI 1111111111",
        "line 4, column year: no measurement year 2031",
        "line 5, column amount: '12.345' is not an amount with at most 2 decimal places",
        "line 6, column provider_npi: provider and year already on line 2",
    ]
    assert ReimbursementBase.objects.count() == 0
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_ecm_reimbursements", str(path))
