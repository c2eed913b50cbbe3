"""Reading citations as CDPH publishes them (issue 24, contract §1 and §3): the State Enforcement
Actions workbook, the dashboard export as downloaded and once saved through Excel; classes read
as hand-computed below, with the raw text kept."""

from __future__ import annotations

import datetime

import pytest

from portal.files.csvio import CsvImportError
from programs.wqip.engine.citations import classify
from programs.wqip.services.citation_files import read_citations
from tests.state_files import DASHBOARD_COLUMNS, SEA_COLUMNS, excel_serial, write_table

D = datetime.date
HARBOR, VALLEY, ELSEWHERE = "060000215", "930000101", "250000999"

# (penalty, facid, violation from, issue date, initial, final, class the calculation uses)
PENALTIES = [
    ("020001001", HARBOR, D(2024, 3, 2), D(2024, 6, 10), "A", "A Trebled", "A"),
    ("020001002", HARBOR, D(2024, 5, 11), D(2024, 7, 19), "AA", "Dismissed by Court", "NONE"),
    ("020001003", VALLEY, D(2024, 8, 1), D(2024, 10, 1), "AA\t", "", "AA"),
    ("020001004", VALLEY, D(2024, 1, 15), D(2024, 4, 22), "A", "B", "NONE"),
    ("020001005", VALLEY, D(2024, 9, 20), D(2024, 12, 3), "B", "AA", "AA"),
    ("020001006", HARBOR, D(2023, 2, 1), D(2023, 5, 5), "AP IJ", "", "NONE"),
    ("020001007", ELSEWHERE, D(2024, 2, 2), D(2024, 3, 3), "AA", "AA", "AA"),
    ("020001008", ELSEWHERE, D(1997, 7, 1), D(1997, 9, 1), "B", "DEPT WITHDREW CITATI", "NONE"),
]
EXPECTED = {p[0]: p[6] for p in PENALTIES if p[1] != ELSEWHERE}


def sea_rows() -> list[dict]:
    return [
        {
            "EVENTID": f"EV{n}",
            "FACID": facid,
            "FACILITY_NAME": "SOME FACILITY",
            "FAC_TYPE_CODE": "SNF",
            "FAC_FDR": "SKILLED NURSING FACILITY",
            "LTC": "LTC",
            "PENALTY_NUMBER": number,
            "PENALTY_ISSUE_DATE": issued,
            "VIOLATION_FROM_DATE": violation,
            "PENALTY_TYPE": "Citation",
            "PENALTY_DETAIL": f"Citation {initial.strip()} (HSC 1424)",
            "DISPOSITION": "Closed",
            "CLASS_ASSESSED_INITIAL": initial,
            "CLASS_ASSESSED_FINAL": final,
            "DEATH_RELATED": "N",
            "TOTAL_AMOUNT_DUE_FINAL": 2000.0,
            "SFY": "2023-2024",
        }
        for n, (number, facid, violation, issued, initial, final, _) in enumerate(PENALTIES)
    ]


def dashboard_rows(*, through_excel: bool) -> list[dict]:
    """As downloaded: FACIDs with zeros, ISO dates; saved through Excel: FACIDs as numbers,
    dates as serial numbers."""
    rows = []
    for number, facid, violation, issued, initial, final, _ in PENALTIES:
        rows.append(
            {
                "Facility ID": int(facid) if through_excel else facid,
                "Facility Name": "SOME FACILITY",
                "Penalty Number": number,
                "Penalty Issue Date": excel_serial(issued) if through_excel else issued,
                "Violation From Date": excel_serial(violation) if through_excel else violation,
                "Class Assessed Final": final,
                "Class Assessed Initial": initial,
                "Total Amount Due Final": "2000",
            }
        )
    return rows


def in_registry(facid: str) -> bool:
    return facid in {HARBOR, VALLEY}


def classes(path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    result = read_citations(path, keep=in_registry)
    return {
        n: classify(class_initial=r.class_initial, class_final=r.class_final)
        for n, r in result.records.items()
    }


def test_given_sea_workbook_with_every_published_column_when_read_then_classes_as_computed(
    tmp_path,
):
    # given
    path = write_table(tmp_path / "sea_final_20240730.xlsx", SEA_COLUMNS, sea_rows())
    # when
    result = read_citations(path, keep=in_registry)
    # then
    assert classes(path) == EXPECTED
    assert (result.kind, result.rows, result.outside) == ("xlsx", 8, 2)
    first = result.records["020001001"]
    assert (first.facid, first.violation_from_date, first.penalty_issue_date) == (
        HARBOR, D(2024, 3, 2), D(2024, 6, 10),
    )  # fmt: skip
    assert result.records["020001003"].class_initial == "AA\t"  # raw text kept


@pytest.mark.parametrize(
    ("suffix", "through_excel"), [(".csv", False), (".csv", True), (".xlsx", True)]
)
def test_given_dashboard_export_when_read_then_facids_padded_dates_and_classes_read(
    tmp_path, suffix, through_excel
):
    # given
    rows = dashboard_rows(through_excel=through_excel)
    path = write_table(tmp_path / f"dashboard{suffix}", DASHBOARD_COLUMNS, rows)
    # when
    result = read_citations(path, keep=in_registry)
    # then
    assert classes(path) == EXPECTED
    assert result.outside == 2
    assert result.records["020001005"].facid == VALLEY
    assert result.records["020001005"].violation_from_date == D(2024, 9, 20)


def test_given_our_csv_extract_when_read_then_same_classes(tmp_path):
    # given
    columns = [
        "FACID",
        "PENALTY_NUMBER",
        "PENALTY_ISSUE_DATE",
        "VIOLATION_FROM_DATE",
        "CLASS_ASSESSED_INITIAL",
        "CLASS_ASSESSED_FINAL",
    ]
    path = write_table(tmp_path / "citations.csv", columns, sea_rows())
    # when / then
    assert classes(path) == EXPECTED


def test_given_bad_date_in_a_registry_row_when_read_then_refused_with_header_as_written(
    tmp_path,
):
    # given
    rows = dashboard_rows(through_excel=False)
    rows[2]["Violation From Date"] = "sometime"
    path = write_table(tmp_path / "dashboard.csv", DASHBOARD_COLUMNS, rows)
    # when
    with pytest.raises(CsvImportError) as caught:
        read_citations(path, keep=in_registry)
    # then
    error = caught.value.errors[0]
    assert (error.line, error.column) == (4, "Violation From Date")
    assert "not a date" in error.reason


def test_given_bad_rows_only_outside_the_registry_when_read_then_counted_not_checked(tmp_path):
    # given
    rows = dashboard_rows(through_excel=False)
    rows[6]["Violation From Date"] = "sometime"
    rows[7]["Penalty Number"] = ""
    path = write_table(tmp_path / "dashboard.csv", DASHBOARD_COLUMNS, rows)
    # when
    result = read_citations(path, keep=in_registry)
    # then
    assert (len(result.records), result.outside) == (6, 2)


def test_given_dashboard_without_penalty_number_when_read_then_refused_naming_aliases(tmp_path):
    # given
    columns = [c for c in DASHBOARD_COLUMNS if c != "Penalty Number"]
    path = write_table(tmp_path / "dashboard.csv", columns, dashboard_rows(through_excel=False))
    # when
    with pytest.raises(CsvImportError) as caught:
        read_citations(path, keep=in_registry)
    # then
    error = caught.value.errors[0]
    assert (error.line, error.column) == (1, "PENALTY_NUMBER")
    assert "Penalty Number" in error.reason


# --- the import (database) -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("layout", ["sea.xlsx", "dashboard.csv"])
def test_given_published_file_when_imported_then_registry_rows_stored_with_raw_class(
    tmp_path, layout, capsys
):
    # given
    from django.core.management import call_command

    from programs.wqip.models import Citation
    from tests.factories import FacilityFactory

    harbor = FacilityFactory.create(cdph_facid=HARBOR)
    FacilityFactory.create(cdph_facid=VALLEY)
    if layout == "sea.xlsx":
        path = write_table(tmp_path / layout, SEA_COLUMNS, sea_rows())
    else:
        path = write_table(tmp_path / layout, DASHBOARD_COLUMNS, dashboard_rows(through_excel=True))
    # when
    call_command("import_citations", str(path))
    # then
    stored = {c.penalty_number: c for c in Citation.objects.all()}
    assert {n: c.citation_class for n, c in stored.items()} == EXPECTED
    assert stored["020001003"].class_initial == "AA\t"
    assert stored["020001001"].facility == harbor
    assert "6 created, 0 updated, 0 unchanged, 2 skipped" in capsys.readouterr().out


@pytest.mark.django_db
def test_given_dry_run_when_citations_imported_then_counts_printed_and_nothing_stored(
    tmp_path, capsys
):
    # given
    from django.core.management import call_command

    from portal.models import AuditEvent
    from programs.wqip.models import Citation
    from tests.factories import FacilityFactory

    FacilityFactory.create(cdph_facid=HARBOR)
    path = write_table(tmp_path / "sea.xlsx", SEA_COLUMNS, sea_rows())
    # when
    call_command("import_citations", str(path), "--dry-run")
    # then
    assert "dry run, nothing stored): 3 created" in capsys.readouterr().out
    assert not Citation.objects.exists()
    assert not AuditEvent.objects.filter(action="citations.imported").exists()


@pytest.mark.django_db
def test_given_sea_workbook_with_bad_date_when_imported_then_command_error_nothing_stored(
    tmp_path,
):
    # given
    from django.core.management import CommandError, call_command

    from programs.wqip.models import Citation
    from tests.factories import FacilityFactory

    FacilityFactory.create(cdph_facid=HARBOR)
    rows = sea_rows()
    rows[5]["PENALTY_ISSUE_DATE"] = "31/31/2023"
    path = write_table(tmp_path / "sea.xlsx", SEA_COLUMNS, rows)
    # when
    with pytest.raises(CommandError) as caught:
        call_command("import_citations", str(path))
    # then
    assert "line 7, column PENALTY_ISSUE_DATE: '31/31/2023' is not a date" in str(caught.value)
    assert not Citation.objects.exists()
