"""Reading the state's published files (CDPH listing, crosswalk, bed types, enforcement actions)
as they come: CSV (UTF-8, a BOM accepted) or XLSX, detected by content, columns bound by header
name through aliases, never by position; extra columns ignored; values kept as the cell holds
them (text from CSV; text, numbers and dates from XLSX) for the readers below to type.

Errors are ``portal.files.csvio.RowError``s (line = the spreadsheet row; the header is where it
is found, line 1 in a CSV file) raised together as one ``CsvImportError``: the caller stores
nothing. XLSX is read with python-calamine (about ten times faster than openpyxl on the 41,000
rows of the statewide enforcement workbook)."""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from portal.files.csvio import (
    CsvImportError,
    CsvReader,
    RowError,
    _decoded_lines,
    csv_error,
)

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary Excel format (and other OLE2 files)
HEADER_SCAN_ROWS = 20  # a workbook may have title rows above its header
EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug)
SERIAL_RANGE = (1, 2_958_465)  # 1900-01-01 .. 9999-12-31

Cell = Any  # str | float | int | bool | datetime.date | datetime.datetime | None


def header_key(name: object) -> str:
    """A header compared: case, spaces, dashes and underscores do not matter
    (``Facility ID`` = ``FACILITY_ID`` = ``facility id``)."""
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")


@dataclass(frozen=True)
class Column:
    """A column a reader binds: its name (the key of each row) and other headers it may have."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = True

    def header_keys(self) -> tuple[str, ...]:
        return tuple(header_key(h) for h in (self.name, *self.aliases))


@dataclass
class Table:
    """Rows of one file: ``(line, {column name: cell})``; ``headers`` maps each bound column
    name to the header as written in the file (for error messages)."""

    source: str
    kind: str  # "csv" or "xlsx"
    headers: dict[str, str]
    rows: list[tuple[int, dict[str, Cell]]] = field(default_factory=list)
    sheet: str = ""

    def error(self, line: int, column: str, reason: str) -> RowError:
        return RowError(line, self.headers.get(column, column), reason)


def file_kind(path: Path | str) -> str:
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(XLS_MAGIC):
        raise CsvImportError(
            [
                RowError(
                    1,
                    "",
                    "an old binary Excel file (.xls): open it in Excel and save it as "
                    "Excel Workbook (.xlsx) or CSV UTF-8",
                )
            ],
            str(path),
        )
    return "csv"


def _bind(header: Sequence[Cell], columns: Sequence[Column]) -> tuple[dict[str, int], list[str]]:
    """Column name -> index in the header, and the required columns not found."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        positions.setdefault(header_key(cell), index)
    bound: dict[str, int] = {}
    missing: list[str] = []
    for column in columns:
        found = next((positions[k] for k in column.header_keys() if k in positions), None)
        if found is not None:
            bound[column.name] = found
        elif column.required:
            missing.append(column.name)
    return bound, missing


def _missing_error(missing: list[str], columns: Sequence[Column], source: str) -> CsvImportError:
    by_name = {c.name: c for c in columns}
    errors = []
    for name in missing:
        aliases = by_name[name].aliases
        also = f" (or {', '.join(aliases)})" if aliases else ""
        errors.append(RowError(1, name, f"required column is missing{also}"))
    return CsvImportError(errors, source)


def read_table(path: Path | str, *, columns: Sequence[Column], what: str = "") -> Table:
    """Read a whole CSV or XLSX file, refusing a missing required column, an empty file, or a
    file that is not a readable table. ``what`` names the file in messages."""
    source = what or Path(path).name
    kind = file_kind(path)
    table = (
        _read_xlsx(path, columns, source) if kind == "xlsx" else _read_csv(path, columns, source)
    )
    if not table.rows:
        raise CsvImportError([RowError(2, "", "the file has no data rows")], source)
    return table


def _read_csv(path: Path | str, columns: Sequence[Column], source: str) -> Table:
    with open(path, "rb") as handle:
        first = handle.readline()
        if not first.strip():
            raise CsvImportError([RowError(1, "", "the file is empty")], source)
        try:
            text_line = next(_decoded_lines(io.BytesIO(first)))
            header = next(csv.reader([text_line]))
        except CsvImportError as exc:
            raise CsvImportError(exc.errors, source) from None
        except csv.Error as exc:
            raise CsvImportError([csv_error(1, exc, [text_line])], source) from None
        bound, missing = _bind(header, columns)
        if missing:
            raise _missing_error(missing, columns, source)
        table = Table(source, "csv", {n: header[i].strip() for n, i in bound.items()})
        # the rest through csvio's reader: records checked and errors named as every importer's
        reader = CsvReader(handle, required=(), source=source, header=header)
        width = len(header)
        items = list(bound.items())
        for line, values in reader.records():
            if len(values) < width:
                values = values + [""] * (width - len(values))
            table.rows.append((line, {name: values[i] for name, i in items}))
    return table


def _read_xlsx(path: Path | str, columns: Sequence[Column], source: str) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own errors for a damaged or foreign zip
        raise CsvImportError(
            [RowError(1, "", f"not a readable Excel workbook ({exc.__class__.__name__})")], source
        ) from None
    first_missing: list[str] | None = None
    for sheet_name in workbook.sheet_names:
        try:
            rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        except Exception:  # noqa: S112 - a chart sheet or a damaged one: try the next sheet
            continue
        for index, header in enumerate(rows[:HEADER_SCAN_ROWS]):
            if not any(str(c).strip() for c in header):
                continue
            bound, missing = _bind(header, columns)
            if not bound:
                continue
            if missing:
                first_missing = first_missing if first_missing is not None else missing
                continue
            table = Table(
                source,
                "xlsx",
                {n: str(header[i]).strip() for n, i in bound.items()},
                sheet=sheet_name,
            )
            items = list(bound.items())
            width = len(header)
            for number, values in enumerate(rows[index + 1 :], start=index + 2):
                if not any(v not in ("", None) for v in values):
                    continue
                if len(values) < width:
                    values = list(values) + [""] * (width - len(values))
                row = {name: values[i] for name, i in items}
                for name, value in row.items():
                    if isinstance(value, str) and "\x00" in value:  # PostgreSQL stores no NUL
                        raise CsvImportError(
                            [table.error(number, name, "contains a NUL byte")], source
                        )
                table.rows.append((number, row))
            return table
    if first_missing:
        raise _missing_error(first_missing, columns, source)
    raise _missing_error([c.name for c in columns if c.required], columns, source)


# --- cells to values: each returns the value or raises ValueError with a reason a person can act on


def text(cell: Cell) -> str:
    """The cell as text, trimmed: a whole number stored as a number loses its ``.0``."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, datetime.datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return str(cell).strip()


def raw_text(cell: Cell) -> str:
    """The cell's text as written (tabs and spaces kept): what an auditor is shown."""
    if isinstance(cell, str):
        return cell
    return text(cell)


DIGITS = re.compile(r"[0-9]+")


def identifier(cell: Cell, *, width: int, label: str) -> str:
    """A numeric identifier as text of ``width`` digits: leading zeros a spreadsheet dropped are
    put back (FACID ``60000215`` -> ``060000215``); empty stays empty."""
    value = text(cell)
    if not value:
        return ""
    if not DIGITS.fullmatch(value):
        raise ValueError(f"'{value[:40]}' is not a {label} (digits only)")
    if len(value) > width:
        raise ValueError(f"'{value[:40]}' has {len(value)} digits; a {label} has {width}")
    return value.zfill(width)


US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s.*)?$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")


def date(cell: Cell) -> datetime.date | None:
    """A date from a date cell, an Excel serial number (``45503`` = 2024-07-30), ISO text
    (``2024-07-30``, a time after it ignored) or US text (``7/30/2024``); empty is None."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    if isinstance(cell, bool):
        raise ValueError(f"'{cell}' is not a date")
    if isinstance(cell, int | float):
        return _serial(cell)
    value = str(cell).strip()
    if not value:
        return None
    try:
        if match := ISO_DATE.match(value):
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        if match := US_DATE.match(value):
            return datetime.date(int(match[3]), int(match[1]), int(match[2]))
        if re.fullmatch(r"\d+(\.\d+)?", value):
            return _serial(float(value))
    except ValueError:
        pass
    raise ValueError(
        f"'{value[:40]}' is not a date (expected YYYY-MM-DD, MM/DD/YYYY or an Excel date)"
    )


def _serial(number: float) -> datetime.date:
    if not SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]:
        raise ValueError(f"{number:g} is not an Excel date serial number")
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


def whole_number(cell: Cell, *, empty: int | None = None) -> int:
    """A count (beds): a whole number, ``1,234`` and ``12.0`` accepted."""
    value = text(cell).replace(",", "")
    if not value:
        if empty is not None:
            return empty
        raise ValueError("value is missing")
    try:
        number = Decimal(value)
    except ArithmeticError:
        raise ValueError(f"'{value[:40]}' is not a whole number") from None
    if not number.is_finite() or number != number.to_integral_value() or number < 0:
        raise ValueError(f"'{value[:40]}' is not a whole number of 0 or more")
    if number > 2_147_483_647:
        raise ValueError(f"{value} is too large")
    return int(number)


def typed(
    table: Table,
    line: int,
    row: dict[str, Cell],
    column: str,
    reader: Callable[[Cell], Any],
    errors: list[RowError],
    default: Any = None,
) -> Any:
    """``reader(row[column])``, or ``default`` with a RowError added naming line and column."""
    try:
        return reader(row.get(column))
    except ValueError as exc:
        errors.append(table.error(line, column, str(exc)))
        return default
