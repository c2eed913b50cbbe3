"""import_facilities with the state's files (issue 24): the layout told from the headers,
--dry-run prints the diff and stores nothing, bad input is a clear error."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from portal.models import Facility, RegistryImport
from tests.portal.test_state_files import bed_rows, crosswalk_rows, listing_rows
from tests.state_files import BED_TYPES, CROSSWALK, LISTING_VINTAGES, write_table

pytestmark = pytest.mark.django_db


def files(tmp_path, suffix=".csv"):  # type: ignore[no-untyped-def]
    listing = write_table(tmp_path / f"listing{suffix}", LISTING_VINTAGES["2023"], listing_rows())
    crosswalk = write_table(tmp_path / "crosswalk.csv", CROSSWALK, crosswalk_rows())
    beds = write_table(tmp_path / "beds.xlsx", BED_TYPES, bed_rows())
    return str(listing), "--crosswalk", str(crosswalk), "--bed-types", str(beds)


def test_given_listing_when_dry_run_then_diff_printed_and_nothing_stored(tmp_path, capsys):
    # when
    call_command("import_facilities", *files(tmp_path, ".xlsx"), "--dry-run")
    # then
    out = capsys.readouterr().out
    assert "new      930000101 VALLEY STP CENTER: Name: - -> VALLEY STP CENTER;" in out
    assert "STP beds: - -> 40" in out
    assert "not added 110000123 OAK ICF HOME (line 4): no NPI" in out
    assert "facilities (dry run, nothing stored): 3 new, 0 changed" in out
    assert not Facility.objects.exists()
    assert not RegistryImport.objects.exists()


def test_given_listing_when_imported_then_applied_and_recorded_as_command(tmp_path, capsys):
    # when
    call_command("import_facilities", *files(tmp_path))
    # then
    assert Facility.objects.count() == 3
    staged = RegistryImport.objects.get()
    assert (staged.status, staged.origin) == ("applied", "command")
    assert [f["name"] for f in staged.files] == ["listing.csv", "crosswalk.csv", "beds.xlsx"]
    # when: again, with a change made by hand since: the diff shows it is put back
    Facility.objects.filter(cdph_facid="060000215").update(name="TYPO")
    call_command("import_facilities", *files(tmp_path), "--dry-run")
    # then
    assert "changed  060000215 TYPO: Name: TYPO -> HARBOR VIEW CARE" in capsys.readouterr().out


def test_given_contract_file_when_dry_run_then_summary_and_nothing_stored(examples_dir, capsys):
    # when
    call_command("import_facilities", str(examples_dir / "facilities.csv"), "--dry-run")
    # then
    assert "facilities (dry run, nothing stored): 10 created" in capsys.readouterr().out
    assert not Facility.objects.exists()


def test_given_contract_file_with_crosswalk_option_when_imported_then_refused(
    examples_dir, tmp_path
):
    with pytest.raises(CommandError, match="go with the CDPH listing"):
        call_command(
            "import_facilities", str(examples_dir / "facilities.csv"), "--crosswalk", "x.csv"
        )


def test_given_bad_bed_count_when_imported_then_error_names_file_line_column(tmp_path):
    # given
    args = list(files(tmp_path))
    rows = bed_rows()
    rows[0]["BED_CAPACITY"] = "eighty"
    args[4] = str(write_table(tmp_path / "beds.csv", BED_TYPES, rows))
    # when
    with pytest.raises(CommandError) as caught:
        call_command("import_facilities", *args)
    # then
    assert "beds.csv: 1 error(s); nothing was imported." in str(caught.value)
    assert "line 2, column BED_CAPACITY: 'eighty' is not a whole number" in str(caught.value)
    assert not Facility.objects.exists()


def test_given_missing_companion_file_when_imported_then_clear_error(tmp_path):
    # given
    args = list(files(tmp_path))
    args[2] = str(tmp_path / "nowhere.csv")
    # when / then
    with pytest.raises(CommandError, match=r"cannot read .*nowhere\.csv: No such file"):
        call_command("import_facilities", *args)
