"""Reading the contract's CSV files: UTF-8 (BOM accepted), header matched case-insensitively
after trimming, column order free, extra columns ignored, errors named by line and column
(the header is line 1)."""

from __future__ import annotations

import codecs
import csv
import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO

from portal.params import int_param

MAX_REPORTED_ERRORS = 200
# the longest value a cell of our files may hold; longer means a stray quote joined lines,
# or not our file (Python's csv module would stop at 131,072 with an internal error)
MAX_FIELD_CHARS = 10_000
csv.field_size_limit(max(csv.field_size_limit(), 1_000_000))


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.reason}"


@dataclass
class CsvImportError(Exception):
    """The file was refused; nothing was stored. ``errors`` lists every bad row."""

    errors: list[RowError] = field(default_factory=list)
    source: str = ""

    def __str__(self) -> str:
        head = f"{self.source}: " if self.source else ""
        shown = self.errors[:MAX_REPORTED_ERRORS]
        lines = [f"{head}{len(self.errors)} error(s); nothing was imported."]
        lines += [f"  {error}" for error in shown]
        if len(self.errors) > len(shown):
            lines.append(f"  ... and {len(self.errors) - len(shown)} more")
        return "\n".join(lines)


def normalise_header(name: str) -> str:
    return name.strip().lower()


def _decoded_lines(handle: BinaryIO, first_line: int = 1) -> Iterator[str]:
    """The file's lines as text, split at line feeds only (a carriage return inside a line
    stays there, for the csv module to refuse)."""
    for number, raw in enumerate(handle, start=first_line):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CsvImportError(
                [RowError(number, "", f"not valid UTF-8 (byte {exc.start + 1} of the line)")]
            ) from exc
        if "\x00" in line:  # PostgreSQL stores no NUL in text; a CSV file has none
            raise CsvImportError([RowError(number, "", "contains a NUL byte (not a text file?)")])
        yield line


class CsvReader:
    """Iterate ``(line_number, {column: value})`` over a contract CSV file.

    ``required`` columns must be in the header (matched after trim + lower-case, or after
    ``normalise`` when a program's files are matched more tolerantly); values are returned
    stripped, keyed by the normalised column name. ``records()`` gives the raw values
    instead. A caller that has read the header itself passes its ``header`` (the handle then
    stands at line 2). Every record is checked for what makes it no row of our files (see
    ``_check_record``); the error names the line where the record starts.
    """

    def __init__(
        self,
        handle: BinaryIO,
        *,
        required: Sequence[str],
        optional: Sequence[str] = (),
        source: str = "",
        header: Sequence[str] | None = None,
        normalise: Callable[[str], str] = normalise_header,
    ) -> None:
        self.source = source
        self._record_lines: list[str] = []  # the lines of the record being read
        self._offset = 0 if header is None else 1  # lines read before the csv reader
        self._lines = self._remembered(_decoded_lines(handle, first_line=1 + self._offset))
        self._reader = csv.reader(self._lines)
        if header is None:
            header = self._read_header(source)
        self.columns = [normalise(name) for name in header]
        missing = [name for name in required if name not in self.columns]
        if missing:
            raise CsvImportError(
                [RowError(1, name, "required column is missing") for name in missing], source
            )
        self.index = {name: self.columns.index(name) for name in required}
        self.index.update({n: self.columns.index(n) for n in optional if n in self.columns})
        self.absent = {n: "" for n in optional if n not in self.columns}
        self.rows_read = 0

    def _read_header(self, source: str) -> list[str]:
        try:
            header = next(self._reader)
        except StopIteration:
            raise CsvImportError([RowError(1, "", "the file is empty")], source) from None
        except csv.Error as exc:
            raise CsvImportError([csv_error(1, exc, self._record_lines)], source) from None
        if self._reader.line_num > 1:
            raise CsvImportError(
                [
                    RowError(
                        1,
                        "",
                        f"the header runs over lines 1 to {self._reader.line_num}: "
                        'a double quote (") is not closed on its line',
                    )
                ],
                source,
            )
        return header

    def _remembered(self, lines: Iterator[str]) -> Iterator[str]:
        for line in lines:
            self._record_lines.append(line)
            yield line

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """``(line where the record starts, raw values)``, blank lines skipped."""
        width = len(self.columns)
        while True:
            line = self._reader.line_num + self._offset + 1  # where the next record starts
            self._record_lines.clear()
            try:
                values = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                error = csv_error(line, exc, self._record_lines, self.columns)
                raise CsvImportError([error], self.source) from None
            if not values or (len(values) == 1 and not values[0].strip()):
                continue  # blank line
            self.rows_read += 1
            _check_record(
                values,
                line=line,
                end=self._reader.line_num + self._offset,
                width=width,
                columns=self.columns,
                source=self.source,
            )
            yield line, values

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        width = len(self.columns)
        for line, values in self.records():
            if len(values) < width:
                values = values + [""] * (width - len(values))
            row = {name: values[i].strip() for name, i in self.index.items()}
            row.update(self.absent)
            yield line, row

    def check_not_empty(self) -> None:
        if self.rows_read == 0:
            raise CsvImportError([RowError(2, "", "the file has no data rows")], self.source)


def csv_error(
    line: int, exc: csv.Error, record_lines: Sequence[str] = (), columns: Sequence[str] = ()
) -> RowError:
    """What Python's csv module refused, said so a person can find and fix it: the line where
    the record starts, the column where the trouble starts (when it can be told), the cause."""
    text = str(exc)
    first = record_lines[0] if record_lines else ""
    if "new-line character seen in unquoted field" in text:
        at = next(
            (i for i, c in enumerate(first) if c == "\r" and first[i + 1 : i + 2] != "\n"), -1
        )
        return RowError(
            line,
            _column_at(first, at, columns),
            "a line break (carriage return) inside a value that is not quoted",
        )
    if "field larger than field limit" in text:
        return RowError(
            line,
            _column_at(first, first.rfind('"'), columns),
            "a value is longer than the longest a CSV field may be: "
            'a double quote (") that is never closed joins the lines after it',
        )
    return RowError(line, "", f"not a readable CSV record ({text})")


def _column_at(line: str, position: int, columns: Sequence[str]) -> str:
    """The name of the column (or "#n") holding character ``position`` of a line."""
    if position < 0:
        return ""
    try:
        index = len(next(csv.reader([line[:position]]), [""]) or [""]) - 1
    except csv.Error:
        return ""
    index = max(index, 0)
    return columns[index] if index < len(columns) else f"#{index + 1}"


def _check_record(
    values: list[str], *, line: int, end: int, width: int, columns: list[str], source: str
) -> None:
    """Refuse what the csv module reads without complaint but is not a row of our files: a
    quoted value running over several lines (an unclosed quote), a value too long, more values
    than the header has columns."""
    if end > line:
        index = next((i for i, v in enumerate(values) if "\n" in v or "\r" in v), 0)
        raise CsvImportError(
            [
                RowError(
                    line,
                    columns[index] if index < len(columns) else f"#{index + 1}",
                    f'a quoted value runs over lines {line} to {end}: a double quote (") '
                    "is not closed on its line",
                )
            ],
            source,
        )
    for index, value in enumerate(values):
        if len(value) > MAX_FIELD_CHARS:
            column = columns[index] if index < len(columns) else f"#{index + 1}"
            raise CsvImportError(
                [
                    RowError(
                        line, column, f"the value is longer than {MAX_FIELD_CHARS:,} characters"
                    )
                ],
                source,
            )
    if len(values) > width and any(value.strip() for value in values[width:]):
        raise CsvImportError(
            [
                RowError(
                    line,
                    "",
                    f"{len(values)} values but the header has {width} columns "
                    "(a comma too many, or a value that needs quotes)",
                )
            ],
            source,
        )


def read_csv(
    path: Path | str, *, required: Sequence[str], optional: Sequence[str] = ()
) -> list[tuple[int, dict[str, str]]]:
    """Read a whole (small) CSV file; raises CsvImportError for an empty file."""
    with open(path, "rb") as handle:
        reader = CsvReader(handle, required=required, optional=optional, source=str(path))
        rows = list(reader)
        reader.check_not_empty()
    return rows


# --- value parsers: return the value or raise ValueError with a reason a person can act on ----


def parse_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text) if len(text) == 10 else _bad_date(text)
    except ValueError:
        return _bad_date(text)


def _bad_date(text: str) -> datetime.date:
    raise ValueError(f"'{text}' is not a date in the form YYYY-MM-DD")


def parse_money(text: str, *, places: int = 2) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"'{text}' is not an amount in dollars (e.g. 1234.56)") from None
    if not value.is_finite() or value.as_tuple().exponent < -places:  # type: ignore[operator]
        raise ValueError(f"'{text}' is not an amount with at most {places} decimal places")
    return value


INT_MAX = 2_147_483_647  # PostgreSQL integer


def parse_int(text: str, *, minimum: int = 0, maximum: int = INT_MAX) -> int:
    value = int_param(text)
    if value is None:
        raise ValueError(f"'{text[:40]}' is not a whole number")
    if value < minimum:
        raise ValueError(f"{value} is below {minimum}")
    if value > maximum:
        raise ValueError(f"{value} is above {maximum:,}")
    return value


def length_errors(row: dict[str, str], limits: dict[str, int], line: int) -> list[RowError]:
    """A value longer than its column's database field holds, as a row error."""
    return [
        RowError(line, column, f"{len(row[column])} characters; at most {limit} fit")
        for column, limit in limits.items()
        if len(row.get(column) or "") > limit
    ]


def model_text_limits(model: type, columns: Iterable[str]) -> dict[str, int]:
    """``{column: max_length}`` of a model's text fields named like the columns."""
    limits = {}
    for column in columns:
        field = model._meta.get_field(column)  # type: ignore[attr-defined]
        if getattr(field, "max_length", None):
            limits[column] = field.max_length
    return limits


def require(row: dict[str, str], columns: Iterable[str], line: int) -> list[RowError]:
    return [RowError(line, c, "value is missing") for c in columns if not row.get(c)]
