"""The bad inputs of issue 22 item 6, one by one: each importer refuses them naming the line
where the bad record starts, the column and the cause, and stores nothing."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest

from portal.files.csvio import CsvImportError
from portal.models import Facility
from portal.registry.services import FACILITY_COLUMNS, import_facilities
from programs.wqip.models import Citation, ClaimLine, OptIn, PerDiem
from programs.wqip.services.citations import import_citations
from programs.wqip.services.claims_import import import_claims
from programs.wqip.services.opt_in_import import import_opt_ins
from programs.wqip.services.per_diems import import_per_diems
from tests.factories import FacilityFactory
from tests.programs.wqip.claims_helpers import claims_csv

pytestmark = pytest.mark.django_db

NPIS = ("1500000009", "1500000017", "1500000025")
FACIDS = ("800000000", "800000001", "800000002")
HUGE = "x" * 131_073  # one more than Python's csv field limit


@pytest.fixture
def registry(db):  # type: ignore[no-untyped-def]
    return [
        FacilityFactory.create(npi=npi, cdph_facid=facid)
        for npi, facid in zip(NPIS, FACIDS, strict=True)
    ]


def claims_file(lines: int) -> list[str]:
    rows = [
        {"claim_id": f"K{n:05d}", "member_id": f"M{n:07d}", "facility_npi": NPIS[n % 3]}
        for n in range(lines)
    ]
    return claims_csv(rows).splitlines(keepends=True)


def facilities_file() -> list[str]:
    rows = [",".join(FACILITY_COLUMNS) + "\n"]
    rows += [
        f"1500000033,20600000{n},80000000{n},Seaside {n},NF_B_FREESTANDING,80,0,Orange\n"
        for n in range(1)
    ]
    rows += ["1500000041,206000009,800000009,Bayview,NF_B_FREESTANDING,80,0,Orange\n"]
    rows += ["1500000058,206000008,800000008,Hillside,NF_B_FREESTANDING,80,0,Orange\n"]
    return rows


def per_diems_file() -> list[str]:
    return ["facility_npi,per_diem\n"] + [f"{n},19.8750\n" for n in NPIS]


def citations_file() -> list[str]:
    return [
        "FACID,FACILITY_NAME,PENALTY_NUMBER,PENALTY_ISSUE_DATE,VIOLATION_FROM_DATE,"
        "CLASS_ASSESSED_INITIAL,CLASS_ASSESSED_FINAL\n"
    ] + [f"{f},Seaside,{i + 1},2024-03-01,2024-02-01,B,B\n" for i, f in enumerate(FACIDS)]


def opt_ins_file() -> list[str]:
    return ["facility_npi,program_year,status\n"] + [f"{n},2024,APPROVED\n" for n in NPIS]


IMPORTERS: dict[str, tuple[Callable[[], list[str]], Callable[[Path], object], type, str]] = {
    "claims": (lambda: claims_file(3), lambda p: import_claims(path=p), ClaimLine, "member_id"),
    "facilities": (facilities_file, lambda p: import_facilities(path=p), Facility, "name"),
    "per_diems": (
        per_diems_file,
        lambda p: import_per_diems(
            path=p, program_year=2024, kind="interim", received_on=datetime.date(2024, 5, 1)
        ),
        PerDiem,
        "per_diem",
    ),
    "citations": (citations_file, lambda p: import_citations(path=p), Citation, "facility_name"),
    "opt_ins": (opt_ins_file, lambda p: import_opt_ins(path=p), OptIn, "status"),
}


def replace_cell(line: str, header: str, column: str, value: str) -> str:
    names = [c.strip().lower() for c in header.rstrip("\n").split(",")]
    cells = line.rstrip("\n").split(",")
    cells[names.index(column)] = value
    return ",".join(cells) + "\n"


def refused(tmp_path: Path, name: str, lines: list[str]) -> tuple[CsvImportError, int]:
    _, run, model, _ = IMPORTERS[name]
    path = tmp_path / f"{name}.csv"
    path.write_text("".join(lines), encoding="utf-8", newline="")
    before = model.objects.count()  # type: ignore[attr-defined]
    with pytest.raises(CsvImportError) as caught:
        run(path)
    assert model.objects.count() == before  # type: ignore[attr-defined]
    return caught.value, before


@pytest.mark.parametrize("name", list(IMPORTERS))
def test_given_value_over_128_kb_when_imported_then_refused_at_its_line_and_column(
    registry, tmp_path, name
):
    # given: the value in the third line
    make, _, _, column = IMPORTERS[name]
    lines = make()
    lines[2] = replace_cell(lines[2], lines[0], column, HUGE)
    # when
    error, _ = refused(tmp_path, name, lines)
    # then
    first = error.errors[0]
    assert (first.line, first.column) == (3, column)
    assert "longer" in first.reason or "characters" in first.reason


@pytest.mark.parametrize("name", list(IMPORTERS))
def test_given_stray_quote_when_imported_then_refused_at_line_where_record_starts(
    registry, tmp_path, name
):
    # given: a double quote opening a value in line 3 that is never closed
    make, _, _, column = IMPORTERS[name]
    lines = make()
    lines[2] = replace_cell(lines[2], lines[0], column, '"Oops')
    # when
    error, _ = refused(tmp_path, name, lines)
    # then
    first = error.errors[0]
    assert (first.line, first.column) == (3, column)
    assert "quote" in first.reason


@pytest.mark.parametrize("size", [20, 2_000])
def test_given_stray_quote_in_line_11_of_claims_file_when_imported_then_line_11_named(
    registry, tmp_path, size
):
    # given
    lines = claims_file(size - 1)
    lines[10] = replace_cell(lines[10], lines[0], "member_id", 'M"123')
    lines[10] = replace_cell(lines[10], lines[0], "revenue_code", '"0101')
    # when
    error, _ = refused(tmp_path, "claims", lines)
    # then
    first = error.errors[0]
    assert first.line == 11
    assert "quote" in first.reason


@pytest.mark.parametrize("name", list(IMPORTERS))
def test_given_carriage_return_inside_unquoted_value_when_imported_then_refused_naming_it(
    registry, tmp_path, name
):
    # given
    make, _, _, column = IMPORTERS[name]
    lines = make()
    header_cells = [c.strip().lower() for c in lines[0].rstrip("\n").split(",")]
    cells = lines[2].rstrip("\n").split(",")
    index = header_cells.index(column)
    cells[index] = cells[index][:1] + "\r" + cells[index][1:]
    lines[2] = ",".join(cells) + "\n"
    # when
    error, _ = refused(tmp_path, name, lines)
    # then
    first = error.errors[0]
    assert first.line == 3
    assert first.column in (column, "")
    assert "carriage return" in first.reason or "line" in first.reason


@pytest.mark.parametrize("name", list(IMPORTERS))
def test_given_more_cells_than_header_when_imported_then_refused(registry, tmp_path, name):
    # given
    make, _, _, _ = IMPORTERS[name]
    lines = make()
    lines[2] = lines[2].rstrip("\n") + ",surplus\n"
    # when
    error, _ = refused(tmp_path, name, lines)
    # then
    assert error.errors[0].line == 3


def test_given_over_long_facility_value_when_imported_then_row_error_not_database_error(
    tmp_path,
):
    # given: an HCAI id longer than its column (varchar)
    lines = facilities_file()
    lines[2] = replace_cell(lines[2], lines[0], "cdph_facid", "9" * 40)
    # when
    error, _ = refused(tmp_path, "facilities", lines)
    # then
    assert [(e.line, e.column) for e in error.errors] == [(3, "cdph_facid")]


def test_given_unexpected_error_in_import_when_job_runs_then_failed_with_reason(
    registry, tmp_path, monkeypatch
):
    # given: a queued import whose run meets an error no check foresaw
    from django.core.files.base import ContentFile

    from programs.wqip.models.claims import ClaimImport
    from programs.wqip.services import claims_import

    claim_import = ClaimImport(original_name="claims.csv")
    claim_import.file.save("claims.csv", ContentFile("".join(claims_file(2))), save=False)
    claim_import.save()

    def explode(**kwargs):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(claims_import, "import_claims", explode)
    # when
    claims_import.run_claim_import(claim_import_id=claim_import.pk)
    # then: the job is over (not left running), and says why
    claim_import.refresh_from_db()
    assert claim_import.status == ClaimImport.Status.FAILED
    assert claim_import.finished_at is not None
    assert "ZeroDivisionError: division by zero" in claim_import.error_report
    assert claim_import.summary == "failed: ZeroDivisionError: division by zero"
    assert not ClaimLine.objects.exists()
