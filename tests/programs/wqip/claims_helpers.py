"""Building claims.csv files for tests: one dict per line, defaults for every column."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from django.apps import apps
from django.core.management import call_command

from programs.wqip.models import (
    BedDayMemberRange,
    BedDaySummary,
)
from programs.wqip.models.bed_days import OUTCOMES
from programs.wqip.services.claims_columns import CLAIM_COLUMNS

DEFAULT_LINE = {
    "claim_id": "K0001",
    "line_no": "1",
    "frequency_code": "1",
    "original_claim_id": "",
    "adjudicated_date": "2024-04-02",
    "received_date": "2024-03-20",
    "member_id": "M0000001",
    "facility_npi": "",
    "admission_date": "2024-03-01",
    "from_date": "2024-03-01",
    "through_date": "2024-03-10",
    "discharge_date": "",
    "revenue_code": "0101",
    "primary_payer": "MEDI_CAL",
    "coverage": "MCP",
    "hospice": "N",
    "network_status": "IN",
    "claim_status": "PAID",
    "paid_amount": "100.00",
}


def claims_csv(rows: Iterable[dict[str, str]], columns: Iterable[str] = CLAIM_COLUMNS) -> str:
    columns = list(columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        full = {**DEFAULT_LINE, **row}
        writer.writerow([full.get(c, "") for c in columns])
    return out.getvalue()


def write_claims(path: Path, rows: Iterable[dict[str, str]]) -> Path:
    path.write_text(claims_csv(rows), encoding="utf-8")
    return path


def import_and_compute(tmp_path: Path, rows: list[dict[str, str]], year: int = 2024) -> None:
    path = write_claims(tmp_path / "claims.csv", rows)
    call_command("import_claims", str(path), stdout=io.StringIO())
    call_command("compute_bed_days", "--program-year", str(year), stdout=io.StringIO())


def exported_bed_days(out: Path, *options: str, year: int = 2024) -> bytes:
    """The bytes `export_bed_days` writes for the program year (contract §5)."""
    call_command(
        "export_bed_days",
        "--program-year",
        str(year),
        "--out",
        str(out),
        *options,
        stdout=io.StringIO(),
    )
    return out.read_bytes()


def days_by_reason(npi: str, year: int = 2024) -> dict[str, int]:
    """{outcome: days} of the facility, only outcomes with days."""
    summary = BedDaySummary.objects.get(facility__npi=npi, program_year=year)
    counts = {"qualifying": summary.qualifying_days}
    counts.update({reason: getattr(summary, reason) for reason in OUTCOMES[1:]})
    return {reason: days for reason, days in counts.items() if days}


def member_days(year: int = 2024) -> dict[tuple[str, str, str], str]:
    """{(member_id, npi, iso day): outcome} expanded from the stored member ranges."""
    import datetime

    days = {}
    for r in BedDayMemberRange.objects.filter(computation__program_year=year).select_related(
        "facility"
    ):
        day = r.first_day
        while day <= r.last_day:
            days[(r.member_id, r.facility.npi, day.isoformat())] = OUTCOMES[r.outcome]
            day += datetime.timedelta(days=1)
    return days


def table_counts() -> dict[str, int]:
    """Row count of every model's table: proof that a refused import changed nothing."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.managed
    }
