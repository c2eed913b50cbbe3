"""import_claims (contract §1 claims.csv): all or nothing, every bad row named by line and
column, identical re-import is a no-op."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from portal.models import DataRevision
from programs.wqip.models import (
    Claim,
    ClaimLine,
)
from programs.wqip.services.claims_columns import CLAIM_COLUMNS
from tests.factories import FacilityFactory
from tests.programs.wqip.claims_helpers import (
    DEFAULT_LINE,
    claims_csv,
    table_counts,
    write_claims,
)


@pytest.fixture
def facility(db):
    return FacilityFactory.create()


@pytest.fixture
def good_line(facility):
    return {"facility_npi": facility.npi}


def run_import(path):
    out = io.StringIO()
    call_command("import_claims", str(path), stdout=out)
    return out.getvalue()


def refused(path) -> str:
    before = table_counts()
    with pytest.raises(CommandError) as excinfo:
        run_import(path)
    assert table_counts() == before
    return str(excinfo.value)


@pytest.mark.django_db
def test_given_valid_file_when_imported_then_claims_and_lines_stored(tmp_path, good_line):
    # given
    rows = [
        {**good_line, "claim_id": "K1"},
        {**good_line, "claim_id": "K1", "line_no": "2", "revenue_code": "250"},
        {**good_line, "claim_id": "K2", "frequency_code": "7", "original_claim_id": "K1"},
    ]
    # when
    summary = run_import(write_claims(tmp_path / "c.csv", rows))
    # then
    assert "2 claims and 3 lines added" in summary
    assert Claim.objects.get(claim_id="K2").replaces == Claim.objects.get(claim_id="K1")
    assert ClaimLine.objects.get(claim__claim_id="K1", line_no=2).revenue_code == "0250"
    assert DataRevision.objects.filter(kind="claims").count() == 1


@pytest.mark.django_db
def test_given_imported_file_when_imported_again_then_nothing_changes(tmp_path, good_line):
    # given
    path = write_claims(tmp_path / "c.csv", [{**good_line}, {**good_line, "line_no": "2"}])
    run_import(path)
    before = table_counts()
    # when
    summary = run_import(path)
    # then
    assert "0 claims and 0 lines added, 2 lines unchanged" in summary
    after = table_counts()
    assert after.pop("portal.AuditEvent") == before.pop("portal.AuditEvent") + 1
    assert after == before


@pytest.mark.django_db
def test_given_bom_mixed_case_header_other_order_extra_column_when_imported_then_mapped(
    tmp_path, good_line
):
    # given
    columns = list(reversed(CLAIM_COLUMNS))
    text = claims_csv([{**good_line, "revenue_code": "185"}], columns)
    header, body = text.split("\n", 1)
    header = ",".join(f" {c.upper()} " for c in header.split(",")) + ",note"
    body = body.replace("\n", ",free text\r\n")
    path = tmp_path / "c.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (header + "\r\n" + body).encode())
    # when
    run_import(path)
    # then
    line = ClaimLine.objects.get()
    assert (line.revenue_code, line.facility.npi) == ("0185", good_line["facility_npi"])


@pytest.mark.django_db
def test_given_same_line_twice_identical_when_imported_then_stored_once(tmp_path, good_line):
    path = write_claims(tmp_path / "c.csv", [good_line, good_line])
    run_import(path)
    assert ClaimLine.objects.count() == 1


@pytest.mark.django_db
def test_given_quoted_values_when_imported_then_stored_trimmed(tmp_path, good_line):
    path = tmp_path / "c.csv"
    text = claims_csv([{**good_line, "member_id": " M 1 "}]).replace(",100.00", ',"100.00"')
    path.write_text(text, encoding="utf-8")
    run_import(path)
    assert ClaimLine.objects.get().member_id == "M 1"


# --- one test per defect class: non-zero exit, the line named, every table unchanged ---------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"from_date": "2024-02-30"}, "line 3, column from_date: '2024-02-30' is not a date"),
        ({"admission_date": "03/01/2024"}, "line 3, column admission_date"),
        ({"adjudicated_date": "2024-13-01"}, "line 3, column adjudicated_date"),
        ({"through_date": "2024-02-28"}, "line 3, column through_date: through_date 2024-02-28"),
        ({"facility_npi": "1999999999"}, "line 3, column facility_npi: unknown facility NPI"),
        (
            {"frequency_code": "7", "original_claim_id": "NOPE"},
            "line 3, column original_claim_id: unknown original claim NOPE",
        ),
        ({"paid_amount": "12.345"}, "line 3, column paid_amount"),
        ({"paid_amount": "$12"}, "line 3, column paid_amount"),
        ({"claim_status": "APPROVED"}, "line 3, column claim_status"),
        ({"frequency_code": "2"}, "line 3, column frequency_code"),
        ({"revenue_code": "01A1"}, "line 3, column revenue_code"),
        ({"member_id": ""}, "line 3, column member_id: value is missing"),
        ({"line_no": "one"}, "line 3, column line_no"),
        ({"frequency_code": "7"}, "line 3, column original_claim_id: value is missing"),
    ],
)
def test_given_bad_row_when_imported_then_refused_naming_line_and_column(
    tmp_path, good_line, override, expected
):
    # given
    rows = [{**good_line, "claim_id": "K1"}, {**good_line, "claim_id": "K2", **override}]
    # when
    message = refused(write_claims(tmp_path / "c.csv", rows))
    # then
    assert expected in message
    assert "line 2" not in message


@pytest.mark.django_db
def test_given_several_bad_rows_when_imported_then_every_one_reported(tmp_path, good_line):
    rows = [
        {**good_line, "claim_id": "K1", "from_date": "x"},
        {**good_line, "claim_id": "K2"},
        {**good_line, "claim_id": "K3", "paid_amount": "1,5"},
        {**good_line, "claim_id": "K4", "hospice": "maybe", "coverage": ""},
    ]
    message = refused(write_claims(tmp_path / "c.csv", rows))
    assert "line 2, column from_date" in message
    assert "line 4, column paid_amount" in message
    assert "line 5, column coverage: value is missing" in message
    assert "line 5, column hospice" in message
    assert "4 error(s)" in message


@pytest.mark.django_db
def test_given_missing_column_when_imported_then_line_one_named(tmp_path, good_line):
    columns = [c for c in CLAIM_COLUMNS if c != "paid_amount"]
    path = tmp_path / "c.csv"
    path.write_text(claims_csv([good_line], columns), encoding="utf-8")
    message = refused(path)
    assert "line 1, column paid_amount: required column is missing" in message


@pytest.mark.django_db
def test_given_invalid_utf8_when_imported_then_line_named(tmp_path, good_line):
    path = tmp_path / "c.csv"
    text = claims_csv([good_line, {**good_line, "line_no": "2", "member_id": "MXX"}])
    path.write_bytes(text.encode().replace(b"MXX", b"M\xff\xfe"))
    message = refused(path)
    assert "line 3: not valid UTF-8" in message


@pytest.mark.django_db
def test_given_changed_duplicate_key_in_database_when_imported_then_refused(tmp_path, good_line):
    # given
    run_import(write_claims(tmp_path / "a.csv", [good_line]))
    # when
    changed = [{**good_line, "line_no": "2"}, {**good_line, "paid_amount": "99.00"}]
    message = refused(write_claims(tmp_path / "b.csv", changed))
    # then
    assert "line 3, column paid_amount: claim K0001 line 1 was imported before with 100.00" in (
        message
    )


@pytest.mark.django_db
def test_given_changed_duplicate_key_in_file_when_imported_then_refused(tmp_path, good_line):
    rows = [good_line, {**good_line, "through_date": "2024-03-11"}]
    message = refused(write_claims(tmp_path / "c.csv", rows))
    assert "line 3, column through_date: claim K0001 line 1 is already on line 2" in message


@pytest.mark.django_db
def test_given_claim_level_value_differs_between_lines_when_imported_then_refused(
    tmp_path, good_line
):
    rows = [good_line, {**good_line, "line_no": "2", "received_date": "2024-03-21"}]
    message = refused(write_claims(tmp_path / "c.csv", rows))
    assert "line 3, column received_date: claim K0001 has 2024-03-21 here but 2024-03-20" in (
        message
    )


@pytest.mark.django_db
def test_given_claim_level_value_differs_from_database_when_imported_then_refused(
    tmp_path, good_line
):
    run_import(write_claims(tmp_path / "a.csv", [good_line]))
    changed = [{**good_line, "line_no": "2", "adjudicated_date": "2024-05-01"}]
    message = refused(write_claims(tmp_path / "b.csv", changed))
    assert "line 2, column adjudicated_date: claim K0001 was imported before with 2024-04-02" in (
        message
    )


@pytest.mark.django_db
def test_given_empty_file_when_imported_then_refused(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(b"")
    assert "line 1: the file is empty" in refused(path)


@pytest.mark.django_db
def test_given_header_only_when_imported_then_refused(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(",".join(CLAIM_COLUMNS) + "\n", encoding="utf-8")
    assert "line 2: the file has no data rows" in refused(path)


@pytest.mark.django_db
def test_given_blank_and_short_rows_when_imported_then_file_lines_counted(tmp_path, good_line):
    # given: a blank line 3 and a short line 4 (PostgreSQL refuses the stream: row by row)
    text = claims_csv([good_line])
    text += "\nK9,1,1\n"
    path = tmp_path / "c.csv"
    path.write_text(text, encoding="utf-8")
    # when
    message = refused(path)
    # then
    assert "line 4, column adjudicated_date: value is missing" in message
    assert "line 3" not in message


@pytest.mark.django_db
def test_given_replacement_of_claim_in_database_when_imported_then_linked(tmp_path, good_line):
    run_import(write_claims(tmp_path / "a.csv", [good_line]))
    replacement = {
        **good_line,
        "claim_id": "K0002",
        "frequency_code": "8",
        "original_claim_id": "K0001",
    }
    run_import(write_claims(tmp_path / "b.csv", [replacement]))
    replaced = Claim.objects.get(claim_id="K0002").replaces
    assert replaced is not None
    assert replaced.claim_id == "K0001"


def test_default_line_has_every_column():
    assert set(DEFAULT_LINE) == set(CLAIM_COLUMNS)


@pytest.mark.django_db
def test_given_lower_case_codes_and_padded_numbers_when_imported_then_normalised(
    tmp_path, good_line
):
    # given: values the detailed validation accepts although the fast path does not prove them
    row = {**good_line, "line_no": "05", "claim_status": "paid", "paid_amount": "12.5"}
    # when
    run_import(write_claims(tmp_path / "c.csv", [row]))
    # then
    line = ClaimLine.objects.get()
    assert (line.line_no, line.claim_status, str(line.paid_amount)) == (5, "PAID", "12.50")


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["1e3", "NaN", "Infinity", "1.", "0000000000001.5"])
def test_given_amount_that_postgres_would_read_when_imported_then_refused(
    tmp_path, good_line, amount
):
    message = refused(write_claims(tmp_path / "c.csv", [{**good_line, "paid_amount": amount}]))
    assert "line 2, column paid_amount" in message


@pytest.mark.django_db
def test_given_crlf_file_with_bad_row_when_imported_then_line_named(tmp_path, good_line):
    text = claims_csv([good_line, {**good_line, "line_no": "2", "from_date": "2024-3-1"}])
    path = tmp_path / "c.csv"
    path.write_bytes(text.replace("\n", "\r\n").encode())
    assert "line 3, column from_date" in refused(path)


@pytest.mark.django_db
def test_given_first_import_when_later_file_adds_claims_then_ids_follow_file_order_and_do_not_clash(
    tmp_path, good_line
):
    # given a first import: claim ids follow the claims' first file lines (no numbering pass)
    first = [
        {**good_line, "claim_id": "A"},
        {**good_line, "claim_id": "B"},
        {**good_line, "claim_id": "A", "line_no": "2", "revenue_code": "250"},
        {**good_line, "claim_id": "C", "frequency_code": "7", "original_claim_id": "B"},
    ]
    run_import(write_claims(tmp_path / "first.csv", first))
    claims = {c.claim_id: c for c in Claim.objects.all()}
    assert claims["A"].pk < claims["B"].pk < claims["C"].pk
    assert claims["C"].replaces_id == claims["B"].pk
    assert set(ClaimLine.objects.filter(claim=claims["A"]).values_list("line_no", flat=True)) == {
        1,
        2,
    }
    # when a later import (the claim tables are no longer empty) adds a claim and a line
    later = [
        *first,
        {**good_line, "claim_id": "D", "frequency_code": "7", "original_claim_id": "A"},
        {**good_line, "claim_id": "B", "line_no": "2", "revenue_code": "250"},
    ]
    summary = run_import(write_claims(tmp_path / "later.csv", later))
    # then the new rows take ids after the first import's, from the same sequences
    assert "1 claims and 2 lines added, 4 lines unchanged" in summary
    new_claim = Claim.objects.get(claim_id="D")
    assert new_claim.pk > max(c.pk for c in claims.values())
    assert new_claim.replaces_id == claims["A"].pk
    line_ids = list(ClaimLine.objects.values_list("pk", flat=True))
    assert len(line_ids) == len(set(line_ids)) == 6
    added = ClaimLine.objects.get(claim__claim_id="B", line_no=2)
    assert added.pk > ClaimLine.objects.get(claim__claim_id="C").pk
