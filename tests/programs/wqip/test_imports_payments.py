"""import_per_diems and import_citations: all-or-nothing, line/column errors, re-import rules."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.models import DataRevision, Role
from programs.wqip.models import (
    Citation,
    PerDiem,
    PerDiemExhibit,
)
from tests.factories import FacilityFactory, UserFactory
from tests.roles import give_totp

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, text: str, name: str = "file.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def import_per_diems(path: Path, exhibit: str = "interim", received: str = "2025-05-12") -> None:
    call_command(
        "import_per_diems",
        str(path),
        "--program-year",
        "2024",
        "--exhibit",
        exhibit,
        "--received-on",
        received,
    )


def test_given_mixed_case_header_when_per_diems_imported_then_values_kept_to_four_places(
    tmp_path,
):
    # given
    a, b = FacilityFactory.create(), FacilityFactory.create()
    path = write(tmp_path, f" Facility_NPI , Per_Diem \n{a.npi},16.5\n{b.npi},22.3333\n")
    # when
    import_per_diems(path)
    # then
    exhibit = PerDiemExhibit.objects.get(program_year=2024, kind="interim")
    assert exhibit.received_on == datetime.date(2025, 5, 12)
    values = dict(PerDiem.objects.values_list("facility__npi", "per_diem"))
    assert values == {a.npi: Decimal("16.5000"), b.npi: Decimal("22.3333")}
    assert DataRevision.objects.filter(kind="per_diems", program_year=2024).count() == 1


def test_given_exhibit_imported_when_same_exhibit_reimported_then_per_diems_replaced(tmp_path):
    # given
    a, b = FacilityFactory.create(), FacilityFactory.create()
    import_per_diems(write(tmp_path, f"facility_npi,per_diem\n{a.npi},10\n{b.npi},11\n"))
    # when
    import_per_diems(
        write(tmp_path, f"facility_npi,per_diem\n{a.npi},12.5\n"), received="2025-06-01"
    )
    # then
    exhibit = PerDiemExhibit.objects.get()
    assert exhibit.received_on == datetime.date(2025, 6, 1)
    assert list(exhibit.per_diems.values_list("facility__npi", "per_diem")) == [
        (a.npi, Decimal("12.5000"))
    ]


def test_given_bad_rows_when_per_diems_imported_then_nothing_stored_and_each_error_named(
    tmp_path,
):
    # given
    a = FacilityFactory.create()
    path = write(
        tmp_path,
        "facility_npi,per_diem\n"
        f"{a.npi},19.87501\n"  # line 2: five decimals
        "1234567893,10\n"  # line 3: unknown NPI
        f"{a.npi},abc\n"  # line 4: not a number (and duplicate NPI)
        ",10\n",  # line 5: missing NPI
    )
    # when
    with pytest.raises(CommandError) as caught:
        import_per_diems(path)
    # then
    message = str(caught.value)
    assert "line 2, column per_diem: '19.87501' has more than 4 decimal places" in message
    assert "line 3, column facility_npi: unknown facility NPI 1234567893" in message
    assert "line 4, column per_diem" in message
    assert "line 4, column facility_npi: NPI" in message
    assert "line 5, column facility_npi: value is missing" in message
    assert not PerDiemExhibit.objects.exists()
    assert not PerDiem.objects.exists()


def test_given_header_only_when_per_diems_imported_then_error(tmp_path):
    with pytest.raises(CommandError, match="no data rows"):
        import_per_diems(write(tmp_path, "facility_npi,per_diem\n"))


def test_given_negative_per_diem_when_imported_then_error(tmp_path):
    a = FacilityFactory.create()
    with pytest.raises(CommandError, match="line 2, column per_diem: '-1' is negative"):
        import_per_diems(write(tmp_path, f"facility_npi,per_diem\n{a.npi},-1\n"))


def test_given_bad_received_on_when_per_diems_imported_then_error(tmp_path):
    a = FacilityFactory.create()
    with pytest.raises(CommandError, match="received-on"):
        import_per_diems(write(tmp_path, f"facility_npi,per_diem\n{a.npi},1\n"), received="5/12")


CDPH_HEADER = (
    "FACID,FACILITY_NAME,PENALTY_NUMBER,PENALTY_ISSUE_DATE,VIOLATION_FROM_DATE,"
    "CLASS_ASSESSED_INITIAL,CLASS_ASSESSED_FINAL\n"
)


def test_given_statewide_file_when_citations_imported_then_unknown_facids_skipped_and_counted(
    tmp_path, capsys
):
    # given
    facility = FacilityFactory.create(cdph_facid="060000215")
    path = write(
        tmp_path,
        CDPH_HEADER
        + "060000215,X,1,2024-06-10,2024-03-02,A Trebled,\n"
        + "999000111,Y,2,2024-05-01,2024-02-02,AA,AA\n"
        + "999000111,Y,3,not-a-date,,AA,AA\n",
    )
    # when
    call_command("import_citations", str(path))
    # then
    citation = Citation.objects.get()
    assert (citation.penalty_number, citation.facility) == ("1", facility)
    assert citation.citation_class == "A"
    out = capsys.readouterr().out
    assert "1 created" in out
    assert "2 skipped" in out


def test_given_facid_without_leading_zero_when_citations_imported_then_facility_matched(tmp_path):
    # given
    facility = FacilityFactory.create(cdph_facid="060000215")
    # when
    call_command(
        "import_citations", str(write(tmp_path, CDPH_HEADER + "60000215,X,7,,2024-03-02,A,\n"))
    )
    # then
    assert Citation.objects.get(penalty_number="7").facility == facility


def test_given_imported_citations_when_later_file_differs_then_updated_and_absent_kept(tmp_path):
    # given
    FacilityFactory.create(cdph_facid="100000487")
    call_command(
        "import_citations",
        str(write(tmp_path, CDPH_HEADER + "100000487,X,1,,2024-03-02,A,\n100000487,X,2,,,B,B\n")),
    )
    # when
    call_command(
        "import_citations", str(write(tmp_path, CDPH_HEADER + "100000487,X,1,,2024-03-02,A,B\n"))
    )
    # then
    assert Citation.objects.get(penalty_number="1").class_final == "B"
    assert Citation.objects.filter(penalty_number="2").exists()
    assert DataRevision.objects.filter(kind="citations").count() == 2


def test_given_bad_date_for_registered_facility_when_citations_imported_then_nothing_stored(
    tmp_path,
):
    # given
    FacilityFactory.create(cdph_facid="100000487")
    path = write(
        tmp_path,
        CDPH_HEADER
        + "100000487,X,1,,2024-03-02,A,\n100000487,X,2,2024-13-01,,A,\n100000487,X,,,,A,\n",
    )
    # when
    with pytest.raises(CommandError) as caught:
        call_command("import_citations", str(path))
    # then
    assert "line 3, column PENALTY_ISSUE_DATE" in str(caught.value)
    assert "line 4, column PENALTY_NUMBER: value is missing" in str(caught.value)
    assert not Citation.objects.exists()


def test_given_missing_cdph_column_when_citations_imported_then_error_names_it(tmp_path):
    path = write(tmp_path, "FACID,PENALTY_NUMBER\n1,2\n")
    with pytest.raises(CommandError, match="line 1, column VIOLATION_FROM_DATE"):
        call_command("import_citations", str(path))


def test_given_row_without_facid_when_citations_imported_then_skipped_not_an_error(tmp_path):
    # given
    FacilityFactory.create(cdph_facid="100000487")
    path = write(tmp_path, CDPH_HEADER + ",X,5,,2024-01-01,AA,\n100000487,X,6,,2024-01-01,A,\n")
    # when
    call_command("import_citations", str(path))
    # then
    assert list(Citation.objects.values_list("penalty_number", flat=True)) == ["6"]


def test_given_citations_file_with_nul_byte_when_uploaded_then_error_listed_and_nothing_stored(
    client, tmp_path
):
    # given (PostgreSQL refuses NUL in text: the import stored it and the page answered 500)
    FacilityFactory.create(cdph_facid="060000215")
    analyst = UserFactory.create(role=Role.FINANCE_ANALYST)
    give_totp(analyst)
    client.force_login(analyst)
    path = tmp_path / "citations.csv"
    path.write_bytes(CDPH_HEADER.encode() + b"060000215,OAK\x00 GROVE,1,,2024-03-02,A,\n")
    # when
    with open(path, "rb") as handle:
        response = client.post(reverse("wqip:upload_citations"), {"file": handle})
    # then
    assert response.status_code == 200
    assert "line 2: contains a NUL byte" in response.content.decode()
    assert not Citation.objects.exists()
