"""Bad files never crash an import: portal/files/csvio.py refuses them naming the line where
the bad record starts, the column where it can, and the cause (issue 22, point 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.files.csvio import MAX_FIELD_CHARS, CsvImportError, read_csv

HEADER = "facility_npi,per_diem\n"
GOOD = "1427051986,20.5000\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "file.csv"
    path.write_bytes(text.encode("utf-8"))
    return path


def refusal(path: Path) -> CsvImportError:
    with pytest.raises(CsvImportError) as caught:
        read_csv(path, required=("facility_npi", "per_diem"))
    return caught.value


def test_given_field_over_128_kb_when_read_then_refused_naming_line_and_column(tmp_path):
    # given
    path = write(tmp_path, HEADER + GOOD + "1427051986," + "9" * 200_000 + "\n")
    # when
    error = refusal(path)
    # then
    assert (error.errors[0].line, error.errors[0].column) == (3, "per_diem")
    assert f"longer than {MAX_FIELD_CHARS:,}" in error.errors[0].reason


def test_given_stray_quote_on_line_11_of_20_when_read_then_line_11_named_with_the_quote(tmp_path):
    # given: line 11 (the header is line 1) opens a quote it never closes
    rows = [GOOD] * 19
    rows[9] = '1427051986,"20.5000\n'
    path = write(tmp_path, HEADER + "".join(rows))
    # when
    error = refusal(path)
    # then
    assert error.errors[0].line == 11
    assert "double quote" in error.errors[0].reason


def test_given_stray_quote_in_a_2000_line_file_when_read_then_no_crash_and_line_named(tmp_path):
    # given
    rows = [GOOD] * 2000
    rows[499] = '"1427051986,20.5000\n'
    path = write(tmp_path, HEADER + "".join(rows))
    # when
    error = refusal(path)
    # then
    assert error.errors[0].line == 501


def test_given_carriage_return_inside_a_value_when_read_then_refused_with_the_cause(tmp_path):
    # given
    path = write(tmp_path, HEADER + GOOD + "14270\r51986,20.5000\n")
    # when
    error = refusal(path)
    # then
    assert error.errors[0].line == 3
    assert "line break" in error.errors[0].reason


def test_given_more_values_than_header_columns_when_read_then_refused(tmp_path):
    # given
    path = write(tmp_path, HEADER + GOOD + "1427051986,20.5000,surprise\n")
    # when
    error = refusal(path)
    # then
    assert error.errors[0].line == 3
    assert "3 values but the header has 2 columns" in error.errors[0].reason


def test_given_trailing_empty_value_when_read_then_accepted(tmp_path):
    # given: spreadsheets often write a trailing comma
    path = write(tmp_path, HEADER + "1427051986,20.5000,\n")
    # when
    rows = read_csv(path, required=("facility_npi", "per_diem"))
    # then
    assert rows == [(2, {"facility_npi": "1427051986", "per_diem": "20.5000"})]


def test_given_quoted_value_with_a_comma_when_read_then_one_value(tmp_path):
    # given
    path = write(tmp_path, "name,per_diem\n" + '"Oak, Grove",1.0000\n')
    # when
    rows = read_csv(path, required=("name", "per_diem"))
    # then
    assert rows == [(2, {"name": "Oak, Grove", "per_diem": "1.0000"})]


@pytest.mark.django_db
def test_given_facility_name_too_long_when_registry_imported_then_row_error_not_database_error(
    tmp_path,
):
    # given: cdph_facid holds 20 characters
    from portal.models import Facility
    from portal.registry.services import import_facilities

    header = "npi,hcai_id,cdph_facid,name,facility_type,licensed_beds,stp_beds,county\n"
    row = "1427051986,206000001," + "9" * 25 + ",Harbor,NF_B_FREESTANDING,99,0,Alameda\n"
    path = write(tmp_path, header + row)
    # when
    with pytest.raises(CsvImportError) as caught:
        import_facilities(path=path)
    # then
    assert [(e.line, e.column) for e in caught.value.errors] == [(2, "cdph_facid")]
    assert "at most 20 fit" in caught.value.errors[0].reason
    assert not Facility.objects.exists()


@pytest.mark.django_db
def test_given_bed_count_past_integer_when_registry_imported_then_row_error(tmp_path):
    # given
    from portal.registry.services import import_facilities

    header = "npi,hcai_id,cdph_facid,name,facility_type,licensed_beds,stp_beds,county\n"
    row = "1427051986,206000001,123,Harbor,NF_B_FREESTANDING,99999999999,0,Alameda\n"
    path = write(tmp_path, header + row)
    # when
    with pytest.raises(CsvImportError) as caught:
        import_facilities(path=path)
    # then
    assert [(e.line, e.column) for e in caught.value.errors] == [(2, "licensed_beds")]
