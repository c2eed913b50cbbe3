"""Every value of an RTF or OTF checked; the file is refused whole with every error named by
line and column (the header is line 1), or returned as parsed rows.

    rows = read_report(handle, context=IntakeContext(kind=RTF, year=2026, month=3, ...))
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from portal.files.csvio import CsvImportError, CsvReader, RowError
from programs.ecm.intake.columns import (
    CIN,
    CODE,
    COLUMNS,
    DATE,
    EMAIL,
    MINUTES,
    NPI,
    OTF,
    PERIOD,
    PHONE,
    RTF,
    STATE,
    TIN,
    YES_NO,
    ZIP,
    Column,
    header_key,
)

CIN_RE = re.compile(r"^[0-9]{8}[A-Z]$")
ZIP_RE = re.compile(r"^[0-9]{5}(-?[0-9]{4})?$")
STATE_RE = re.compile(r"^[A-Z]{2}$")
YES = {"y", "yes"}
NO = {"n", "no"}
MAX_MINUTES = 24 * 60
EARLIEST = datetime.date(1900, 1, 1)
_email = EmailValidator()


@dataclass(frozen=True)
class IntakeContext:
    """What a file is checked against: the month it is for, the provider sending it, the
    plan's MCP identifier and the year's value lists (``codes``: list name -> values)."""

    kind: str
    year: int
    month: int
    provider_npi: str
    provider_tin: str
    mcp_id: str
    codes: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedRow:
    line: int
    values: dict[str, Any]  # parsed values by column key (date, bool, int or text)
    raw: dict[str, str]  # the text as received, by column key


def npi_check_digit_ok(npi: str) -> bool:
    """The NPI's Luhn check digit, computed with the 80840 prefix (CMS)."""
    digits = [int(d) for d in "80840" + npi[:-1]]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return (10 - total % 10) % 10 == int(npi[-1])


def parse_report_date(text: str) -> datetime.date:
    """YYYY-MM-DD or MM/DD/YYYY (as spreadsheets write it)."""
    try:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            day = datetime.date.fromisoformat(text)
        elif re.fullmatch(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}", text):
            month, day_of_month, year = (int(part) for part in text.split("/"))
            day = datetime.date(year, month, day_of_month)
        else:
            raise ValueError
    except ValueError:
        raise ValueError(f"'{text[:40]}' is not a date (YYYY-MM-DD or MM/DD/YYYY)") from None
    if day < EARLIEST:
        raise ValueError(f"{day.isoformat()} is before 1900")
    return day


def parse_period(text: str) -> tuple[int, int]:
    """YYYY-MM, YYYYMM, MM/YYYY or a date in the month."""
    for pattern, order in (
        (r"([0-9]{4})-([0-9]{1,2})", "ym"),
        (r"([0-9]{4})([0-9]{2})", "ym"),
        (r"([0-9]{1,2})/([0-9]{4})", "my"),
    ):
        match = re.fullmatch(pattern, text)
        if match:
            a, b = int(match.group(1)), int(match.group(2))
            year, month = (a, b) if order == "ym" else (b, a)
            if 1 <= month <= 12:
                return year, month
    try:
        day = parse_report_date(text)
    except ValueError:
        raise ValueError(
            f"'{text[:40]}' is not a reporting period (YYYY-MM, YYYYMM or MM/YYYY)"
        ) from None
    return day.year, day.month


def digits_only(text: str) -> str:
    return re.sub(r"[\s().+-]", "", text)


def parse_value(column: Column, text: str, context: IntakeContext) -> Any:
    """The parsed value of a non-empty cell, or ValueError with a reason a person can act on."""
    if len(text) > column.max_length and column.kind not in (DATE, PERIOD):
        raise ValueError(f"{len(text)} characters; at most {column.max_length} fit")
    kind = column.kind
    if kind == YES_NO:
        if text.lower() in YES:
            return True
        if text.lower() in NO:
            return False
        raise ValueError(f"'{text[:40]}' is not Y or N")
    if kind == DATE:
        return parse_report_date(text)
    if kind == CIN:
        cin = text.upper()
        if not CIN_RE.match(cin):
            raise ValueError(f"'{text[:40]}' is not a CIN (8 digits and a letter, e.g. 91234567A)")
        return cin
    if kind == NPI:
        if not re.fullmatch(r"[0-9]{10}", text) or not npi_check_digit_ok(text):
            raise ValueError(f"'{text[:40]}' is not a valid NPI (10 digits, check digit)")
        if text != context.provider_npi:
            raise ValueError(f"NPI {text} is not the NPI of the provider sending the file")
        return text
    if kind == TIN:
        tin = text.replace("-", "")
        if not re.fullmatch(r"[0-9]{9}", tin):
            raise ValueError(f"'{text[:40]}' is not a TIN (9 digits)")
        if tin != context.provider_tin:
            raise ValueError(f"TIN {text} is not the TIN of the provider sending the file")
        return tin
    if kind == ZIP:
        if not ZIP_RE.match(text):
            raise ValueError(f"'{text[:40]}' is not a ZIP code (12345 or 12345-6789)")
        return text
    if kind == STATE:
        if not STATE_RE.match(text.upper()):
            raise ValueError(f"'{text[:40]}' is not a two-letter state code")
        return text.upper()
    if kind == PHONE:
        number = digits_only(text)
        if len(number) == 11 and number.startswith("1"):
            number = number[1:]
        if not re.fullmatch(r"[0-9]{10}", number):
            raise ValueError(f"'{text[:40]}' is not a 10-digit phone number")
        return number
    if kind == EMAIL:
        try:
            _email(text)
        except ValidationError:
            raise ValueError(f"'{text[:40]}' is not an e-mail address") from None
        return text
    if kind == PERIOD:
        year, month = parse_period(text)
        if (year, month) != (context.year, context.month):
            raise ValueError(
                f"reporting period {year}-{month:02d} is not the month this file is for "
                f"({context.year}-{context.month:02d})"
            )
        return f"{year}-{month:02d}"
    if kind == MINUTES:
        if not re.fullmatch(r"[0-9]+", text) or int(text) > MAX_MINUTES:
            raise ValueError(f"'{text[:40]}' is not a whole number of minutes (0 to 1440)")
        return int(text)
    if kind == CODE:
        allowed = {v.casefold(): v for v in context.codes.get(column.codes, ())}
        parts = [p.strip() for p in re.split(r"[;,]", text)] if column.key == "pof" else [text]
        found = []
        for part in parts:
            if part.casefold() not in allowed:
                shown = ", ".join(allowed.values()) or "none configured"
                raise ValueError(f"'{part[:40]}' is not one of the allowed values ({shown})")
            found.append(allowed[part.casefold()])
        return ";".join(found)
    if column.key == "mcp_id" and text != context.mcp_id:
        raise ValueError(f"'{text[:40]}' is not the plan's MCP identifier ({context.mcp_id})")
    return text


def _row_rules(
    values: dict[str, Any], line: int, context: IntakeContext, headers: dict[str, str]
) -> list[RowError]:
    """Rules between the columns of one row."""
    errors: list[RowError] = []
    if context.kind == RTF:
        start, end = values.get("enrollment_start"), values.get("enrollment_end")
        if start and end and end < start:
            errors.append(
                RowError(line, headers["enrollment_end"], "is before the enrollment start date")
            )
        has_date = values.get("discontinuation_date") is not None
        has_code = bool(values.get("discontinuation_code"))
        if has_date and not has_code:
            errors.append(
                RowError(
                    line,
                    headers["discontinuation_code"],
                    "missing: a discontinuation date is given",
                )
            )
        if has_code and not has_date:
            errors.append(
                RowError(line, headers["discontinuation_date"], "missing: a reason code is given")
            )
    else:
        attempt = values.get("attempt_date")
        if attempt and (attempt.year, attempt.month) != (context.year, context.month):
            errors.append(
                RowError(
                    line,
                    headers["attempt_date"],
                    f"{attempt.isoformat()} is not in the month this file is for "
                    f"({context.year}-{context.month:02d})",
                )
            )
    return errors


def read_report(handle: BinaryIO, *, context: IntakeContext, source: str = "") -> list[ParsedRow]:
    """Every row of the file, parsed; CsvImportError naming every bad line and column."""
    if context.kind not in (RTF, OTF):
        raise ValueError(f"unknown file kind {context.kind!r}")
    columns = COLUMNS[context.kind]
    by_key = {header_key(c.header): c for c in columns}
    headers = {c.key: c.header for c in columns}
    try:
        reader = CsvReader(handle, required=list(by_key), source=source, normalise=header_key)
    except CsvImportError as exc:
        raise CsvImportError(
            [
                RowError(
                    e.line, by_key[e.column].header if e.column in by_key else e.column, e.reason
                )
                for e in exc.errors
            ],
            source,
        ) from None
    errors: list[RowError] = []
    rows: list[ParsedRow] = []
    first_line_of_cin: dict[str, int] = {}
    for line, raw_row in reader:
        raw = {by_key[k].key: v for k, v in raw_row.items() if k in by_key}
        values: dict[str, Any] = {}
        row_errors: list[RowError] = []
        for column in columns:
            text = raw.get(column.key, "")
            if not text:
                needed = column.required or (
                    column.required_if_yes and raw.get(column.required_if_yes, "").lower() in YES
                )
                if needed:
                    reason = "value is missing"
                    if column.required_if_yes:
                        reason += f" ({headers[column.required_if_yes]} is Y)"
                    row_errors.append(RowError(line, column.header, reason))
                values[column.key] = None
                continue
            try:
                values[column.key] = parse_value(column, text, context)
            except ValueError as exc:
                row_errors.append(RowError(line, column.header, str(exc)))
        if not row_errors:
            row_errors += _row_rules(values, line, context, headers)
        cin = values.get("cin")
        if context.kind == RTF and cin:
            if cin in first_line_of_cin:
                row_errors.append(
                    RowError(
                        line,
                        headers["cin"],
                        f"member {cin} is already on line {first_line_of_cin[cin]} "
                        "(one row per member)",
                    )
                )
            else:
                first_line_of_cin[cin] = line
        errors += row_errors
        if not row_errors:
            rows.append(ParsedRow(line=line, values=values, raw=raw))
    if not errors:
        try:
            reader.check_not_empty()
        except CsvImportError as exc:
            errors += exc.errors
    if errors:
        raise CsvImportError(errors, source)
    return rows
