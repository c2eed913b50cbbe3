"""Reading the state's registry files as published (issue 24): the CDPH listing in its three
vintages (CSV and XLSX), the crosswalk and bed types, joined into facilities whose HCAI IDs,
NPIs and beds are computed by hand below."""

from __future__ import annotations

import pytest

from portal.files.csvio import CsvImportError
from portal.files.tables import Column, date, header_key, identifier, read_table
from portal.registry.state_files import (
    ICF_DD,
    SNF,
    combine,
    read_bed_types,
    read_crosswalk,
    read_listing,
    read_state_registry,
)
from tests.state_files import (
    BED_TYPES,
    CROSSWALK,
    CROSSWALK_OLD,
    ICF_FDR,
    LISTING_VINTAGES,
    excel_serial,
    listing_row,
    write_table,
)

NPI_A, NPI_B, NPI_C = "1427051986", "1583306422", "1639412075"


def listing_rows() -> list[dict]:
    """Harbor (SNF, all ids), Valley (SNF, ids only in the crosswalk, all STP beds), Oak (ICF/DD
    home), a hospital (not kept), Pine (SNF whose licence is no longer active)."""
    return [
        listing_row(FACID="060000215", FACNAME="HARBOR VIEW CARE", HCAI_ID="206190001",
                    NPI=NPI_A, CCN="055001", CAPACITY=99),
        listing_row(FACID="930000101", FACNAME="VALLEY STP CENTER", CAPACITY=40),
        listing_row(FACID="110000123", FACNAME="OAK ICF HOME", FAC_TYPE_CODE="ICFDDH",
                    FAC_FDR=ICF_FDR, HCAI_ID="206190003", CAPACITY=6),
        listing_row(FACID="630000001", FACNAME="GENERAL HOSPITAL", FAC_TYPE_CODE="GACH",
                    FAC_FDR="GENERAL ACUTE CARE HOSPITAL", HCAI_ID="106190001", CAPACITY=300),
        listing_row(FACID="060000300", FACNAME="PINE SNF", HCAI_ID="206190004", NPI=NPI_C,
                    CAPACITY=50, LICENSE_STATUS_DESCRIPTION="INACTIVE"),
    ]  # fmt: skip


def crosswalk_rows() -> list[dict]:
    return [
        {"ELMS_FACID": "930000101", "HCAI_ID": "206191234", "CCN": "555123", "NPI": NPI_B},
        {"ELMS_FACID": "060000215", "HCAI_ID": "206190001", "CCN": "055001", "NPI": NPI_A},
        # a hospital row with an id we never read: not checked
        {"ELMS_FACID": "630000001", "HCAI_ID": "not-an-id"},
    ]


def bed_rows() -> list[dict]:
    return [
        {"FACID": "060000215", "BED_CAPACITY_TYPE": "SKILLED NURSING", "BED_CAPACITY": 80},
        {"FACID": "060000215", "BED_CAPACITY_TYPE": "SPECIAL TREATMENT PROGRAM",
         "BED_CAPACITY": 19},
        {"FACID": "930000101", "BED_CAPACITY_TYPE": "SPECIAL TREATMENT PROGRAM",
         "BED_CAPACITY": 40},
        {"FACID": "630000001", "BED_CAPACITY_TYPE": "GENERAL ACUTE CARE", "BED_CAPACITY": 300},
    ]  # fmt: skip


@pytest.mark.parametrize("vintage", sorted(LISTING_VINTAGES))
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_given_listing_in_each_vintage_and_format_when_read_then_snf_and_icf_kept(
    tmp_path, vintage, suffix
):
    # given
    columns = LISTING_VINTAGES[vintage]
    path = write_table(tmp_path / f"listing{suffix}", columns, listing_rows())
    # when
    listing = read_listing(path)
    # then
    assert sorted(listing.facilities) == ["060000215", "060000300", "110000123", "930000101"]
    assert listing.other_types == 1
    assert listing.id_column == ("HCAI_ID" if vintage == "2026" else "OSHPD_ID")
    harbor = listing.facilities["060000215"]
    assert (harbor.kind, harbor.hcai_id, harbor.npi, harbor.ccn, harbor.capacity) == (
        SNF, "206190001", NPI_A, "055001", 99,
    )  # fmt: skip
    assert harbor.licence_active
    assert listing.facilities["110000123"].kind == ICF_DD
    assert not listing.facilities["060000300"].licence_active
    assert listing.facilities["060000300"].licence_text == "OPEN / INACTIVE"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_given_listing_crosswalk_and_beds_when_combined_then_ids_and_beds_as_computed(
    tmp_path, suffix
):
    # given
    listing = write_table(tmp_path / f"l{suffix}", LISTING_VINTAGES["2026"], listing_rows())
    crosswalk = write_table(tmp_path / f"c{suffix}", CROSSWALK, crosswalk_rows())
    beds = write_table(tmp_path / f"b{suffix}", BED_TYPES, bed_rows())
    # when
    _, records = read_state_registry(listing, crosswalk_path=crosswalk, beds_path=beds)
    # then: Harbor 80 + 19 beds, 19 STP; Valley's ids from the crosswalk, all 40 beds STP;
    # Oak has no bed rows, so the listing's capacity
    got = {r.facid: (r.hcai_id, r.npi, r.ccn, r.licensed_beds, r.stp_beds) for r in records}
    assert got == {
        "060000215": ("206190001", NPI_A, "055001", 99, 19),
        "060000300": ("206190004", NPI_C, "", 50, 0),
        "110000123": ("206190003", "", "", 6, 0),
        "930000101": ("206191234", NPI_B, "555123", 40, 40),
    }


def test_given_old_lowercase_crosswalk_with_oshpd_id_when_read_then_hcai_ids_found(tmp_path):
    # given
    rows = [{"elms_facid": "930000101", "oshpd_id": "206191234", "npi": NPI_B}]
    path = write_table(tmp_path / "crosswalk.csv", CROSSWALK_OLD, rows)
    # when
    entries = read_crosswalk(path)
    # then
    assert entries["930000101"].hcai_id == "206191234"
    assert entries["930000101"].npi == NPI_B


def test_given_listing_saved_through_excel_when_read_then_facid_zeros_put_back(tmp_path):
    # given: Excel turned the FACID and the HCAI ID into numbers
    rows = [listing_row(FACID=60000215, FACNAME="HARBOR", HCAI_ID=206190001.0, CAPACITY=99.0)]
    path = write_table(tmp_path / "listing.xlsx", LISTING_VINTAGES["2026"], rows)
    # when
    listing = read_listing(path)
    # then
    assert list(listing.facilities) == ["060000215"]
    assert listing.facilities["060000215"].hcai_id == "206190001"
    assert listing.facilities["060000215"].capacity == 99


def test_given_workbook_with_title_rows_when_read_then_header_found_below(tmp_path):
    # given
    path = write_table(
        tmp_path / "listing.xlsx",
        LISTING_VINTAGES["2021"],
        listing_rows()[:1],
        title_rows=["Licensed and Certified Healthcare Facility Listing", "As of 2021-06-30"],
    )
    # when
    listing = read_listing(path)
    # then
    assert listing.facilities["060000215"].line == 4


def test_given_csv_with_bom_when_read_then_first_header_bound(tmp_path):
    # given
    path = write_table(
        tmp_path / "listing.csv", LISTING_VINTAGES["2026"], listing_rows()[:1], bom=True
    )
    # when
    listing = read_listing(path)
    # then
    assert "060000215" in listing.facilities


@pytest.mark.parametrize(
    ("change", "line", "column", "cause"),
    [
        ({"FACID": "06000X215"}, 3, "FACID", "not a FACID"),
        ({"FACID": "0600002150"}, 3, "FACID", "10 digits"),
        ({"NPI": "1427051987"}, 3, "NPI", "check digit"),
        ({"HCAI_ID": "2061900012"}, 3, "HCAI_ID", "a HCAI ID has 9"),
        ({"CAPACITY": "ninety"}, 3, "CAPACITY", "not a whole number"),
        ({"CAPACITY": "-4"}, 3, "CAPACITY", "0 or more"),
        ({"FACNAME": ""}, 3, "FACNAME", "missing"),
        ({"FACID": "060000215"}, 3, "FACID", "already on line 2"),
    ],
)
def test_given_bad_value_in_a_kept_row_when_read_then_refused_naming_line_column_cause(
    tmp_path, change, line, column, cause
):
    # given: the second data row (line 3) is bad
    rows = [listing_rows()[0], {**listing_rows()[4], **change}]
    path = write_table(tmp_path / "listing.csv", LISTING_VINTAGES["2026"], rows)
    # when
    with pytest.raises(CsvImportError) as caught:
        read_listing(path)
    # then
    error = caught.value.errors[0]
    assert (error.line, error.column) == (line, column)
    assert cause in error.reason


def test_given_bad_value_in_a_hospital_row_when_read_then_not_checked(tmp_path):
    # given
    rows = [listing_rows()[0], {**listing_rows()[3], "CAPACITY": "many", "NPI": "x"}]
    path = write_table(tmp_path / "listing.csv", LISTING_VINTAGES["2026"], rows)
    # when
    listing = read_listing(path)
    # then
    assert (len(listing.facilities), listing.other_types) == (1, 1)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_given_listing_without_id_column_when_read_then_refused_naming_both_names(tmp_path, suffix):
    # given
    columns = [c for c in LISTING_VINTAGES["2026"] if c != "HCAI_ID"]
    path = write_table(tmp_path / f"listing{suffix}", columns, listing_rows())
    # when
    with pytest.raises(CsvImportError) as caught:
        read_listing(path)
    # then
    error = caught.value.errors[0]
    assert (error.line, error.column) == (1, "HCAI_ID")
    assert "or OSHPD_ID" in error.reason


def test_given_file_with_no_snf_when_read_then_refused(tmp_path):
    # given
    path = write_table(tmp_path / "l.csv", LISTING_VINTAGES["2026"], [listing_rows()[3]])
    # when
    with pytest.raises(CsvImportError) as caught:
        read_listing(path)
    # then
    assert "no skilled nursing" in caught.value.errors[0].reason


@pytest.mark.parametrize(
    ("content", "cause"),
    [
        (b"", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old binary Excel"),
        (b"PK\x03\x04not really a zip", "not a readable Excel workbook"),
        (
            "FACID,FACNAME,FAC_TYPE_CODE,FAC_FDR,HCAI_ID\n0600,Se\xf1ora,SNF,,\n".encode("latin-1"),
            "line 2: not valid UTF-8",
        ),
    ],
)
def test_given_unreadable_file_when_read_then_refused_with_cause_not_traceback(
    tmp_path, content, cause
):
    # given
    path = tmp_path / "listing.bin"
    path.write_bytes(content)
    # when
    with pytest.raises(CsvImportError) as caught:
        read_listing(path)
    # then
    assert cause in str(caught.value)


def test_given_bed_types_with_bad_count_for_a_kept_facility_when_read_then_refused(tmp_path):
    # given
    rows = [*bed_rows(), {"FACID": "930000101", "BED_CAPACITY_TYPE": "SKILLED NURSING",
                          "BED_CAPACITY": "1.5"}]  # fmt: skip
    path = write_table(tmp_path / "beds.csv", BED_TYPES, rows)
    # when
    with pytest.raises(CsvImportError) as caught:
        read_bed_types(path, facids={"930000101"})
    # then
    error = caught.value.errors[0]
    assert (error.line, error.column) == (6, "BED_CAPACITY")


def test_given_no_companion_files_when_combined_then_capacity_is_licensed_beds(tmp_path):
    # given
    listing = read_listing(
        write_table(tmp_path / "l.csv", LISTING_VINTAGES["2026"], listing_rows())
    )
    # when
    records = {r.facid: r for r in combine(listing)}
    # then
    assert (records["930000101"].licensed_beds, records["930000101"].stp_beds) == (40, 0)


# --- the generic table and cell readers ------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2024-07-30", (2024, 7, 30)),
        ("2024-07-30 00:00:00", (2024, 7, 30)),
        ("7/30/2024", (2024, 7, 30)),
        ("07/30/2024 12:00:00 AM", (2024, 7, 30)),
        (45503, (2024, 7, 30)),
        (45503.0, (2024, 7, 30)),
        ("45503", (2024, 7, 30)),
        ("", None),
    ],
)
def test_given_date_as_text_serial_or_cell_when_read_then_same_day(cell, expected):
    # when
    day = date(cell)
    # then
    assert (day.timetuple()[:3] if day else None) == expected


def test_given_serial_of_a_known_day_when_computed_then_round_trips():
    import datetime

    assert date(excel_serial(datetime.date(1997, 7, 1))) == datetime.date(1997, 7, 1)


@pytest.mark.parametrize("cell", ["2024-13-01", "30/30/2024", "soon", -3, 3_000_000])
def test_given_not_a_date_when_read_then_reason_given(cell):
    with pytest.raises(ValueError, match="not a"):
        date(cell)


@pytest.mark.parametrize("cell", ["²²", "12a", "1.5"])
def test_given_identifier_not_digits_when_read_then_refused(cell):
    with pytest.raises(ValueError, match="digits only"):
        identifier(cell, width=9, label="FACID")


def test_given_headers_spelled_differently_when_bound_then_same_column(tmp_path):
    # given
    assert header_key(" Class Assessed Final ") == header_key("CLASS_ASSESSED_FINAL")
    path = tmp_path / "t.csv"
    path.write_text("Facility ID,extra\n1,2\n", encoding="utf-8")
    # when
    table = read_table(path, columns=[Column("FACID", aliases=("Facility ID",))])
    # then
    assert table.rows == [(2, {"FACID": "1"})]
    assert table.headers == {"FACID": "Facility ID"}
