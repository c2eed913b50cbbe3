"""Reading CDPH enforcement actions in every form the contract accepts (§1 citations.csv):
our CSV extract, the State Enforcement Actions workbook (XLSX, every published column) and the
enforcement dashboard's export (CSV or XLSX, readable headers such as ``Facility ID`` and
``Class Assessed Final``; once saved through Excel, FACIDs without their leading zeros and dates
as serial numbers). Pure: a file in, records out; nothing touches the database.

Only rows for facilities the caller keeps (``keep(facid)``, the registry) are checked and
returned; the others are counted. The class text is kept as written (a tab after ``AA``
included): the calculation reads it (contract §3, ``engine.citations.classify``) and the pages
show both."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from portal.files.csvio import CsvImportError, RowError
from portal.files.tables import (
    Cell,
    Column,
    date,
    identifier,
    raw_text,
    read_table,
    text,
    typed,
)

FACID_WIDTH = 9
CLASS_TEXT_LIMIT = 80  # programs.wqip.models.Citation.class_initial / class_final
PENALTY_NUMBER_LIMIT = 40

CITATION_COLUMNS = (
    Column("FACID", aliases=("Facility ID", "ELMS_FACID")),
    Column("PENALTY_NUMBER", aliases=("Penalty Number", "Penalty No")),
    Column("PENALTY_ISSUE_DATE", aliases=("Penalty Issue Date", "Issue Date")),
    Column("VIOLATION_FROM_DATE", aliases=("Violation From Date",)),
    Column("CLASS_ASSESSED_INITIAL", aliases=("Class Assessed Initial",)),
    Column("CLASS_ASSESSED_FINAL", aliases=("Class Assessed Final",)),
)


@dataclass(frozen=True)
class CitationRecord:
    line: int
    facid: str
    penalty_number: str
    penalty_issue_date: datetime.date | None
    violation_from_date: datetime.date | None
    class_initial: str  # as written in the file
    class_final: str


@dataclass
class CitationFile:
    source: str
    kind: str  # csv or xlsx
    records: dict[str, CitationRecord] = field(default_factory=dict)  # by penalty number
    rows: int = 0
    outside: int = 0  # rows for facilities the caller does not keep (counted, not checked)


def facid_of(cell: Cell) -> str:
    """The FACID padded to 9 digits; a value that is not digits is kept as written (it then
    matches no registry facility and is counted as outside)."""
    try:
        return identifier(cell, width=FACID_WIDTH, label="FACID")
    except ValueError:
        return text(cell)


def _class_text(cell: Cell) -> str:
    value = raw_text(cell)
    if len(value) > CLASS_TEXT_LIMIT:
        raise ValueError(f"{len(value)} characters; at most {CLASS_TEXT_LIMIT} fit")
    return value


def read_citations(
    path: Path | str, *, keep: Callable[[str], bool] | None = None, what: str = ""
) -> CitationFile:
    """Read a citations file; ``keep(facid)`` says which facilities' rows are wanted (all when
    None). A repeated penalty number: the later row wins. Any bad kept row refuses the file."""
    table = read_table(path, columns=CITATION_COLUMNS, what=what)
    result = CitationFile(table.source, table.kind, rows=len(table.rows))
    errors: list[RowError] = []
    for line, row in table.rows:
        facid = facid_of(row["FACID"])
        if not facid or (keep is not None and not keep(facid)):
            result.outside += 1
            continue
        row_errors: list[RowError] = []
        number = text(row["PENALTY_NUMBER"])
        if not number:
            row_errors.append(table.error(line, "PENALTY_NUMBER", "value is missing"))
        elif len(number) > PENALTY_NUMBER_LIMIT:
            row_errors.append(
                table.error(line, "PENALTY_NUMBER", f"at most {PENALTY_NUMBER_LIMIT} characters")
            )
        record = CitationRecord(
            line=line,
            facid=facid,
            penalty_number=number,
            penalty_issue_date=typed(table, line, row, "PENALTY_ISSUE_DATE", date, row_errors),
            violation_from_date=typed(table, line, row, "VIOLATION_FROM_DATE", date, row_errors),
            class_initial=typed(
                table, line, row, "CLASS_ASSESSED_INITIAL", _class_text, row_errors, ""
            ),
            class_final=typed(
                table, line, row, "CLASS_ASSESSED_FINAL", _class_text, row_errors, ""
            ),
        )
        errors += row_errors
        if not row_errors:
            result.records[number] = record
    if errors:
        raise CsvImportError(errors, table.source)
    return result
