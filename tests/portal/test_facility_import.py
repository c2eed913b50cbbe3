from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from portal.models import AuditEvent, Facility
from portal.registry.models import npi_check_digit_ok
from tests.factories import luhn_npi

HEADER = "npi,hcai_id,cdph_facid,name,facility_type,licensed_beds,stp_beds,county,email\n"


def write(tmp_path: Path, body: str, name: str = "facilities.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.mark.parametrize("prefix", ["142705198", "158330642", "100000000", "999999999"])
def test_given_prefix_when_check_digit_added_then_luhn_passes(prefix):
    assert npi_check_digit_ok(luhn_npi(prefix))


def test_given_changed_digit_when_checked_then_luhn_fails():
    assert not npi_check_digit_ok("1427051987")


@pytest.mark.django_db
def test_given_examples_file_when_imported_then_ten_facilities_with_eligibility(examples_dir):
    # when
    call_command("import_facilities", str(examples_dir / "facilities.csv"))
    # then
    assert Facility.objects.count() == 10
    eligible = set(Facility.objects.filter(is_wqip_eligible=True).values_list("npi", flat=True))
    assert eligible == {
        "1427051986",
        "1583306422",
        "1639412075",
        "1711228597",
        "1309785412",
        "1472193683",
        "1660527841",
    }
    assert Facility.objects.get(npi="1660527841").name == "Señora del Valle Care Center"
    assert Facility.objects.get(npi="1583306422").cdph_facid == "060000215"


@pytest.mark.django_db
def test_given_imported_registry_when_reimported_with_change_then_facility_updated(
    tmp_path, examples_dir
):
    # given
    call_command("import_facilities", str(examples_dir / "facilities.csv"))
    # when
    call_command(
        "import_facilities",
        str(
            write(
                tmp_path, "1427051986,206191234,930000101,Harbor View,NF_B_FREESTANDING,130,0,LA,\n"
            )
        ),
    )
    # then
    facility = Facility.objects.get(npi="1427051986")
    assert (facility.name, facility.licensed_beds) == ("Harbor View", 130)
    assert Facility.objects.count() == 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("1427051987,206191234,9,X,NF_B_FREESTANDING,10,0,LA,", "line 3, column npi"),
        ("1427051986,206191234,9,X,NF_B,10,0,LA,", "line 3, column facility_type"),
        ("1427051986,306191234,9,X,NF_B_FREESTANDING,10,0,LA,", "line 3, column hcai_id"),
        ("1427051986,206191234,9,X,NF_B_FREESTANDING,ten,0,LA,", "line 3, column licensed_beds"),
        (
            "1427051986,206191234,9,X,NF_B_FREESTANDING,²,0,LA,",
            "line 3, column licensed_beds: '²' is not a whole number",
        ),
        ("1427051986,206191234,9,X,NF_B_FREESTANDING,10,11,LA,", "line 3, column stp_beds"),
    ],
)
def test_given_bad_row_when_imported_then_error_names_line_and_column_and_nothing_written(
    tmp_path, row, expected
):
    # given
    path = write(
        tmp_path, "1583306422,206301877,060000215,Oak,NF_B_FREESTANDING,40,0,OC,\n" + row + "\n"
    )
    # when
    with pytest.raises(CommandError) as excinfo:
        call_command("import_facilities", str(path))
    # then
    assert expected in str(excinfo.value)
    assert Facility.objects.count() == 0
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_given_missing_column_when_imported_then_line_one_named(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("npi,name\n1427051986,X\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 1, column hcai_id: required column is missing"):
        call_command("import_facilities", str(path))
    assert Facility.objects.count() == 0


@pytest.mark.django_db
def test_given_empty_file_when_imported_then_refused(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="line 1: the file is empty"):
        call_command("import_facilities", str(path))
