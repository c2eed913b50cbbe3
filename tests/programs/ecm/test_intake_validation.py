"""RTF/OTF validation: a valid file parses; each defect class is refused naming the line and
the column (the header is line 1), with every error of the file listed."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.files.csvio import CsvImportError
from programs.ecm.intake import samples
from programs.ecm.intake.columns import COLUMNS, DEFAULT_CODES, OTF, RTF, header_key
from programs.ecm.intake.validate import IntakeContext, parse_period, read_report

NPI = "1234567893"
TIN = "941234567"


def context(kind: str = RTF) -> IntakeContext:
    return IntakeContext(
        kind=kind,
        year=2026,
        month=3,
        provider_npi=NPI,
        provider_tin=TIN,
        mcp_id="MCP001",
        codes=DEFAULT_CODES,
    )


def rtf(members: int = 3) -> list[dict[str, str]]:
    return samples.rtf_rows(
        year=2026, month=3, npi=NPI, tin=TIN, provider_name="Harbor ECM", members=members
    )


def read(kind: str, rows: list[dict[str, str]]):
    return read_report(io.BytesIO(samples.to_csv(kind, rows)), context=context(kind))


def refused(kind: str, rows: list[dict[str, str]]) -> list[str]:
    with pytest.raises(CsvImportError) as caught:
        read(kind, rows)
    return [str(e) for e in caught.value.errors]


def test_valid_rtf_and_otf_parse():
    parsed = read(RTF, rtf(3))
    assert [r.line for r in parsed] == [2, 3, 4]
    assert parsed[0].values["cin"] == "00100000A"
    assert parsed[0].values["period"] == "2026-03"
    assert parsed[0].values["new_address"] is False
    otf = samples.otf_rows(
        year=2026, month=3, npi=NPI, tin=TIN, provider_name="Harbor ECM", attempts=4
    )
    parsed_otf = read(OTF, otf)
    assert len(parsed_otf) == 4
    assert isinstance(parsed_otf[0].values["minutes"], int)


CIN = "Member Client Index Number (CIN)"


@pytest.mark.parametrize(
    ("header", "value", "column", "reason"),
    [
        (CIN, "", CIN, "value is missing"),
        (CIN, "1234ABCD", CIN, "is not a CIN"),
        ("ECM Enrollment Start Date", "2026-02-30", "ECM Enrollment Start Date", "not a date"),
        (
            "ECM Enrollment End Date",
            "2020-01-01",
            "ECM Enrollment End Date",
            "before the enrollment",
        ),
        ("Member ECM Status", "Enroled", "Member ECM Status", "not one of the allowed values"),
        ("Member POF", "HOM;XYZ", "Member POF", "'XYZ' is not one of the allowed values"),
        ("Member Homelessness Indicator", "maybe", "Member Homelessness Indicator", "not Y or N"),
        (
            "ECM Provider National Provider Identifier (NPI)",
            "1234567890",
            "ECM Provider National Provider Identifier (NPI)",
            "not a valid NPI",
        ),
        (
            "ECM Provider National Provider Identifier (NPI)",
            "1987654328",
            "ECM Provider National Provider Identifier (NPI)",
            "not the NPI of the provider",
        ),
        (
            "ECM Provider Tax ID Number (TIN)",
            "94-1234560",
            "ECM Provider Tax ID Number (TIN)",
            "not the TIN",
        ),
        (
            "Member Information File Reporting Period",
            "2026-02",
            "Member Information File Reporting Period",
            "is not the month this file is for (2026-03)",
        ),
        ("Member Last Name", "x" * 61, "Member Last Name", "61 characters; at most 60 fit"),
        (
            "Member New Address Indicator",
            "Y",
            "Member Residential Address",
            "value is missing (Member New Address Indicator is Y)",
        ),
        ("Member Phone Number", "555-01", "Member Phone Number", "not a 10-digit phone number"),
        (
            "ECM Lead Care Manager Email",
            "lee@",
            "ECM Lead Care Manager Email",
            "not an e-mail address",
        ),
        (
            "Primary Payer (MCP) Identifier",
            "MCP999",
            "Primary Payer (MCP) Identifier",
            "not the plan's MCP identifier",
        ),
        (
            "Discontinuation Date",
            "2026-03-15",
            "Discontinuation Reason Code",
            "a discontinuation date is given",
        ),
        ("Member Residential Zip", "9581", "Member Residential Zip", "not a ZIP code"),
    ],
)
def test_each_defect_class_is_refused_with_line_and_column(header, value, column, reason):
    rows = rtf(3)
    rows[1][header] = value  # the second member: line 3
    errors = refused(RTF, rows)
    assert any(e.startswith(f"line 3, column {column}: ") and reason in e for e in errors), errors
    assert all(e.startswith("line 3") for e in errors)


def test_a_member_twice_names_both_lines():
    rows = rtf(3)
    rows[2][CIN] = rows[0][CIN]
    assert refused(RTF, rows) == [
        f"line 4, column {CIN}: member 00100000A is already on line 2 (one row per member)"
    ]


def test_a_missing_column_is_named_on_line_1():
    table = list(csv.reader(io.StringIO(samples.to_csv(RTF, rtf(2)).decode())))
    index = table[0].index("Member ECM Status")
    out = io.StringIO()
    csv.writer(out).writerows([row[:index] + row[index + 1 :] for row in table])
    with pytest.raises(CsvImportError) as caught:
        read_report(io.BytesIO(out.getvalue().encode()), context=context())
    assert [str(e) for e in caught.value.errors] == [
        "line 1, column Member ECM Status: required column is missing"
    ]


def test_every_bad_row_is_listed():
    rows = rtf(4)
    rows[0]["ECM Enrollment Start Date"] = "soon"
    rows[3][CIN] = "bad"
    errors = refused(RTF, rows)
    assert [e.split(":")[0] for e in errors] == [
        "line 2, column ECM Enrollment Start Date",
        f"line 5, column {CIN}",
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "line 1: the file is empty"),
        (
            b"header only",
            "line 1, column Primary Payer (MCP) Identifier: required column is missing",
        ),
        (b"\xff\xfe,", "line 1: not valid UTF-8"),
    ],
)
def test_unreadable_files(content, expected):
    with pytest.raises(CsvImportError) as caught:
        read_report(io.BytesIO(content), context=context())
    assert str(caught.value.errors[0]).startswith(expected)


def test_header_only_file_has_no_rows():
    header = samples.to_csv(RTF, [])
    with pytest.raises(CsvImportError) as caught:
        read_report(io.BytesIO(header), context=context())
    assert [str(e) for e in caught.value.errors] == ["line 2: the file has no data rows"]


def test_headers_match_tolerantly():
    assert header_key("ECM Provider Tax ID Number(TIN)") == header_key(
        " ecm provider tax id number (TIN) "
    )
    assert header_key("ECM Provider National Provider Identifier") == header_key(
        "ECM Provider National Provider Identifier (NPI)"
    )
    header, body = samples.to_csv(RTF, rtf(1)).split(b"\n", 1)
    header = header.replace(b" (CIN)", b"").replace(b"Tax ID Number (TIN)", b"TAX ID NUMBER(TIN)")
    parsed = read_report(io.BytesIO(header.upper() + b"\n" + body), context=context())
    assert parsed[0].values["cin"] == "00100000A"


def test_spreadsheet_dates_and_periods():
    rows = rtf(1)
    rows[0]["ECM Enrollment Start Date"] = "1/5/2026"
    rows[0]["Member Information File Reporting Period"] = "03/2026"
    parsed = read(RTF, rows)
    assert parsed[0].values["enrollment_start"].isoformat() == "2026-01-05"
    assert parse_period("202603") == (2026, 3)
    assert parse_period("2026-03-31") == (2026, 3)
    with pytest.raises(ValueError, match="not a reporting period"):
        parse_period("March")


def test_otf_attempt_outside_the_month_and_bad_minutes():
    rows = samples.otf_rows(
        year=2026, month=3, npi=NPI, tin=TIN, provider_name="Harbor ECM", attempts=2
    )
    rows[0]["Date of Outreach Attempt"] = "2026-04-01"
    rows[1]["Time Spent Performing Outreach"] = "1441"
    assert refused(OTF, rows) == [
        "line 2, column Date of Outreach Attempt: 2026-04-01 is not in the month this file is "
        "for (2026-03)",
        "line 3, column Time Spent Performing Outreach: '1441' is not a whole number of minutes "
        "(0 to 1440)",
    ]


@settings(max_examples=60, deadline=None)
@given(
    row=st.integers(min_value=0, max_value=2),
    column=st.sampled_from([c.header for c in COLUMNS[RTF]]),
    value=st.text(max_size=12),
)
def test_property_a_mutated_valid_file_is_read_whole_or_refused_naming_the_line(row, column, value):
    rows = rtf(3)
    rows[row][column] = value
    content = samples.to_csv(RTF, rows)
    errors = []
    parsed = []
    try:
        parsed = read_report(io.BytesIO(content), context=context())
    except CsvImportError as exc:
        errors = exc.errors
    # either the whole file (3 rows) or a refusal naming lines of the file, never a part
    assert (len(parsed), bool(errors)) in ((3, False), (0, True))
    last_line = 4 + value.count("\n") + value.count("\r")
    assert all(1 <= error.line <= last_line for error in errors)
