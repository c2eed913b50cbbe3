# ruff: noqa: S608  (SQL is assembled from this module's constants; values go as parameters)
"""Writes for claims.csv (contract §1): streaming COPY into a staging table, set-based
validation in SQL, then one transaction into the claim tables. All or nothing per file.

The file goes to PostgreSQL in large chunks (PostgreSQL parses the CSV). When PostgreSQL
refuses the stream (ragged rows, blank lines...), or when errors must be reported and the
file has quoted values (a quoted value may hold a line break, so record number and file line
could differ), the file is read again with Python's csv module, row by row, so every error
names the right line. Either way the same SQL validates and merges.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import psycopg
from django.db import connection, transaction

from payments.models.claims import CLAIM_ID_MAX_LENGTH, MEMBER_ID_MAX_LENGTH
from portal.audit import record_event, record_revision
from portal.csvio import CsvImportError, RowError, normalise_header
from portal.models import User

CLAIM_COLUMNS = (
    "claim_id",
    "line_no",
    "frequency_code",
    "original_claim_id",
    "adjudicated_date",
    "received_date",
    "member_id",
    "facility_npi",
    "admission_date",
    "from_date",
    "through_date",
    "discharge_date",
    "revenue_code",
    "primary_payer",
    "coverage",
    "hospice",
    "network_status",
    "claim_status",
    "paid_amount",
)
CLAIM_LEVEL_COLUMNS = ("frequency_code", "original_claim_id", "adjudicated_date", "received_date")
LINE_LEVEL_COLUMNS = (
    "member_id",
    "facility_npi",
    "admission_date",
    "from_date",
    "through_date",
    "discharge_date",
    "revenue_code",
    "primary_payer",
    "coverage",
    "hospice",
    "network_status",
    "claim_status",
    "paid_amount",
)
DATE_COLUMNS = (
    "adjudicated_date",
    "received_date",
    "admission_date",
    "from_date",
    "through_date",
    "discharge_date",
)
ENUMS = {
    "frequency_code": ("1", "7", "8"),
    "primary_payer": ("MEDI_CAL", "MEDICARE", "OTHER"),
    "coverage": ("MCP", "FFS"),
    "hospice": ("Y", "N"),
    "network_status": ("IN", "OUT"),
    "claim_status": ("PAID", "DENIED", "PENDING"),
}
OPTIONAL_VALUES = ("original_claim_id", "discharge_date")
MAX_ERRORS_FETCHED = 10_000
CHUNK_BYTES = 4 * 1024 * 1024
CLAIMS_LOCK_KEY = 7_340_001  # pg advisory lock: import exclusive, bed-day compute shared

ProgressCallback = Callable[[str, float], None]


@dataclass(frozen=True)
class ClaimImportSummary:
    lines_read: int
    claims_added: int
    lines_added: int
    lines_unchanged: int
    revision_id: int | None

    def __str__(self) -> str:
        return (
            f"{self.lines_read} lines read, {self.claims_added} claims and "
            f"{self.lines_added} lines added, {self.lines_unchanged} lines unchanged"
        )


# --- SQL building blocks ---------------------------------------------------------------------


def _sql_literal_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _is_date(expr: str) -> str:
    """True when ``expr`` (trimmed text) is an existing date written YYYY-MM-DD.

    Nested CASEs so the integer casts only run on digit strings (SQL has no short-circuit AND).
    """
    y = f"substr({expr}, 1, 4)::int"
    m = f"substr({expr}, 6, 2)::int"
    d = f"substr({expr}, 9, 2)::int"
    days_in_month = (
        f"CASE WHEN {m} = 2 THEN CASE WHEN ({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0 "
        f"THEN 29 ELSE 28 END WHEN {m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END"
    )
    return (
        f"(CASE WHEN length({expr}) = 10 AND substr({expr}, 5, 1) = '-' "
        f"AND substr({expr}, 8, 1) = '-' AND translate({expr}, '0123456789', '') = '--' "
        f"THEN CASE WHEN {m} BETWEEN 1 AND 12 AND {y} >= 1 "
        f"THEN {d} BETWEEN 1 AND {days_in_month} ELSE false END ELSE false END)"
    )


MONEY_PATTERN = r"^[+-]?([0-9]{1,12}(\.[0-9]{1,2})?|\.[0-9]{1,2})$"


def _value_checks() -> list[tuple[str, str]]:
    """(column, SQL expression giving the reason or NULL) for the checks of one row."""
    checks: list[tuple[str, str]] = []
    for column in CLAIM_COLUMNS:
        v = f"r.{column}"
        whens: list[str] = []
        if column not in OPTIONAL_VALUES:
            whens.append(f"WHEN {v} = '' THEN 'value is missing'")
        if column == "original_claim_id":
            whens += [
                f"WHEN r.frequency_code IN ('7', '8') AND {v} = '' THEN "
                "'value is missing (a replacement or void names the claim it replaces)'",
                f"WHEN r.frequency_code = '1' AND {v} <> '' THEN "
                "'must be empty for an original claim (frequency_code 1)'",
                f"WHEN {v} <> '' AND {v} = r.claim_id THEN 'a claim cannot replace itself'",
            ]
        if column in ("claim_id", "original_claim_id"):
            whens.append(
                f"WHEN length({v}) > {CLAIM_ID_MAX_LENGTH} "
                f"THEN 'longer than {CLAIM_ID_MAX_LENGTH} characters'"
            )
        if column == "member_id":
            whens.append(
                f"WHEN length({v}) > {MEMBER_ID_MAX_LENGTH} "
                f"THEN 'longer than {MEMBER_ID_MAX_LENGTH} characters'"
            )
        if column == "line_no":
            whens.append(
                f"WHEN NOT ({v} ~ '^[0-9]{{1,9}}$') OR {v}::int < 1 "
                f"THEN '''' || {v} || ''' is not a line number (a whole number from 1)'"
            )
        if column in DATE_COLUMNS:
            whens.append(
                f"WHEN {v} <> '' AND NOT {_is_date(v)} "
                f"THEN '''' || {v} || ''' is not a date in the form YYYY-MM-DD'"
            )
        if column == "through_date":
            whens.append(
                f"WHEN {_is_date(v)} AND {_is_date('r.from_date')} "
                f"AND {v}::date < r.from_date::date "
                f"THEN 'through_date ' || {v} || ' is before from_date ' || r.from_date"
            )
        if column in ENUMS:
            allowed = ENUMS[column]
            whens.append(
                f"WHEN upper({v}) NOT IN ({_sql_literal_list(allowed)}) THEN "
                f"'''' || {v} || ''' is not one of {', '.join(allowed)}'"
            )
        if column == "revenue_code":
            whens.append(
                f"WHEN NOT ({v} ~ '^[0-9]{{1,4}}$') "
                f"THEN '''' || {v} || ''' is not a revenue code (up to 4 digits)'"
            )
        if column == "paid_amount":
            whens.append(
                f"WHEN NOT ({v} ~ '{MONEY_PATTERN}') "
                f"THEN '''' || {v} || ''' is not an amount in dollars (e.g. 1234.56)'"
            )
        if column == "facility_npi":
            whens.append(
                f"WHEN r.facility_id IS NULL "
                f"THEN 'unknown facility NPI ' || {v} || ' (not in the facility registry)'"
            )
        checks.append((column, f"CASE {' '.join(whens)} END"))
    return checks


# canonical text of each value, so "101" = "0101", "paid" = "PAID", "12.5" = "12.50"
CANONICAL = {
    **{c: f"r.{c}" for c in CLAIM_COLUMNS},
    "line_no": "r.line_no::int::text",
    "revenue_code": "lpad(r.revenue_code, 4, '0')",
    "paid_amount": "r.paid_amount::numeric(14, 2)::text",
    **{c: f"upper(r.{c})" for c in ENUMS},
}


def _create_rows_sql(columns: list[str]) -> str:
    """The staging rows with the contract's columns picked by header position and trimmed."""
    picks = ", ".join(f"btrim(coalesce(s.c{columns.index(c)}, '')) AS {c}" for c in CLAIM_COLUMNS)
    npi = f"btrim(coalesce(s.c{columns.index('facility_npi')}, ''))"
    return f"""
        CREATE TEMP TABLE claim_rows ON COMMIT DROP AS
        SELECT s.line, {picks}, f.id AS facility_id
        FROM claim_staging s
        LEFT JOIN portal_facility f ON f.npi = {npi}
    """


COLUMN_ORDER = {c: i for i, c in enumerate(CLAIM_COLUMNS)}


def _value_errors_sql() -> str:
    values = ",\n".join(
        f"({COLUMN_ORDER[column]}, '{column}', {expr})" for column, expr in _value_checks()
    )
    return f"""
    CREATE TEMP TABLE claim_errors ON COMMIT DROP AS
    SELECT r.line, v.ord, v.col, v.reason
    FROM claim_rows r, LATERAL (VALUES {values}) AS v(ord, col, reason)
    WHERE v.reason IS NOT NULL
    UNION ALL
    SELECT r.line, {COLUMN_ORDER["original_claim_id"]}, 'original_claim_id',
           'unknown original claim ' || r.original_claim_id
           || ' (in neither this file nor the database)'
    FROM claim_rows r
    WHERE r.original_claim_id <> '' AND r.original_claim_id <> r.claim_id
      AND NOT EXISTS (SELECT 1 FROM claim_rows o WHERE o.claim_id = r.original_claim_id)
      AND NOT EXISTS (SELECT 1 FROM payments_claim o WHERE o.claim_id = r.original_claim_id)
    """


def _good_rows_sql() -> str:
    canon_cols = ", ".join(f"{CANONICAL[c]} AS {c}" for c in CLAIM_COLUMNS if c != "claim_id")
    return f"""
    CREATE TEMP TABLE claim_good_rows ON COMMIT DROP AS
    SELECT r.line, r.claim_id, {canon_cols}
    FROM claim_rows r
    WHERE NOT EXISTS (SELECT 1 FROM claim_errors e WHERE e.line = r.line)
    """


DB_CLAIM_COLUMNS = {
    "frequency_code": "c.frequency_code",
    "original_claim_id": "c.original_claim_id",
    "adjudicated_date": "c.adjudicated_date::text",
    "received_date": "c.received_date::text",
}
DB_LINE_COLUMNS = {
    "member_id": "l.member_id",
    "facility_npi": "f.npi",
    "admission_date": "l.admission_date::text",
    "from_date": "l.from_date::text",
    "through_date": "l.through_date::text",
    "discharge_date": "coalesce(l.discharge_date::text, '')",
    "revenue_code": "l.revenue_code",
    "primary_payer": "l.primary_payer",
    "coverage": "l.coverage",
    "hospice": "l.hospice",
    "network_status": "l.network_status",
    "claim_status": "l.claim_status",
    "paid_amount": "l.paid_amount::text",
}


def _shown(expr: str) -> str:
    return f"coalesce(nullif({expr}, ''), 'an empty value')"


def _conflict_errors_sql() -> str:
    """Rows that are well-formed one by one but disagree with another row or with the DB."""
    claim_differs = " OR ".join(f"min({c}) <> max({c})" for c in CLAIM_LEVEL_COLUMNS)
    line_differs = " OR ".join(f"min({c}) <> max({c})" for c in LINE_LEVEL_COLUMNS)
    firsts = ", ".join(
        f"first_value({c}) OVER w AS first_{c}" for c in CLAIM_LEVEL_COLUMNS + LINE_LEVEL_COLUMNS
    )
    in_file_claim = " UNION ALL ".join(
        f"""SELECT line, {COLUMN_ORDER[c]}, '{c}',
            'claim ' || claim_id || ' has ' || {_shown(c)} || ' here but '
            || {_shown(f"first_{c}")} || ' on line ' || first_line
            || ' (claim-level values are the same on every line of a claim)'
           FROM claim_firsts WHERE {c} <> first_{c}"""
        for c in CLAIM_LEVEL_COLUMNS
    )
    in_file_line = " UNION ALL ".join(
        f"""SELECT line, {COLUMN_ORDER[c]}, '{c}',
            'claim ' || claim_id || ' line ' || line_no || ' is already on line '
            || first_line || ' with ' || {_shown(f"first_{c}")}
            || ' (the same key with different values)'
           FROM line_firsts WHERE {c} <> first_{c}"""
        for c in LINE_LEVEL_COLUMNS
    )
    db_claim = " UNION ALL ".join(
        f"""SELECT k.line, {COLUMN_ORDER[c]}, '{c}',
            'claim ' || k.claim_id || ' was imported before with ' || {_shown(expr)}
            || ' (a claim changes only through a replacement or void)'
           FROM claim_good_rows k JOIN payments_claim c ON c.claim_id = k.claim_id
           WHERE k.{c} <> {expr}"""
        for c, expr in DB_CLAIM_COLUMNS.items()
    )
    db_line = " UNION ALL ".join(
        f"""SELECT k.line, {COLUMN_ORDER[c]}, '{c}',
            'claim ' || k.claim_id || ' line ' || k.line_no || ' was imported before with '
            || {_shown(expr)} || ' (a claim changes only through a replacement or void)'
           FROM claim_good_rows k
           JOIN payments_claim c ON c.claim_id = k.claim_id
           JOIN payments_claimline l ON l.claim_id = c.id AND l.line_no = k.line_no::int
           JOIN portal_facility f ON f.id = l.facility_id
           WHERE k.{c} <> {expr}"""
        for c, expr in DB_LINE_COLUMNS.items()
    )
    return f"""
    WITH differing_claims AS (
        SELECT claim_id FROM claim_good_rows GROUP BY claim_id HAVING {claim_differs}
    ),
    claim_firsts AS (
        SELECT g.*, first_value(line) OVER w AS first_line, {firsts}
        FROM claim_good_rows g WHERE g.claim_id IN (SELECT claim_id FROM differing_claims)
        WINDOW w AS (PARTITION BY claim_id ORDER BY line)
    ),
    differing_keys AS (
        SELECT claim_id, line_no FROM claim_good_rows GROUP BY claim_id, line_no
        HAVING count(*) > 1 AND ({line_differs})
    ),
    line_firsts AS (
        SELECT g.*, first_value(line) OVER w AS first_line, {firsts}
        FROM claim_good_rows g
        WHERE (g.claim_id, g.line_no) IN (SELECT claim_id, line_no FROM differing_keys)
        WINDOW w AS (PARTITION BY claim_id, line_no ORDER BY line)
    )
    INSERT INTO claim_errors (line, ord, col, reason)
    {in_file_claim}
    UNION ALL {in_file_line}
    UNION ALL {db_claim}
    UNION ALL {db_line}
    """


MERGE_SQL = """
CREATE TEMP TABLE new_claims ON COMMIT DROP AS
SELECT nextval(pg_get_serial_sequence('payments_claim', 'id')) AS id, n.*
FROM (
    SELECT DISTINCT ON (r.claim_id) r.claim_id, r.frequency_code, r.original_claim_id,
           r.adjudicated_date::date AS adjudicated_date, r.received_date::date AS received_date
    FROM claim_rows r
    WHERE NOT EXISTS (SELECT 1 FROM payments_claim c WHERE c.claim_id = r.claim_id)
    ORDER BY r.claim_id, r.line
) n;

INSERT INTO payments_claim
    (id, claim_id, frequency_code, original_claim_id, replaces_id,
     adjudicated_date, received_date, imported_at)
SELECT n.id, n.claim_id, n.frequency_code, n.original_claim_id, coalesce(o.id, c.id),
       n.adjudicated_date, n.received_date, now()
FROM new_claims n
LEFT JOIN new_claims o ON o.claim_id = n.original_claim_id AND n.original_claim_id <> ''
LEFT JOIN payments_claim c ON c.claim_id = n.original_claim_id AND n.original_claim_id <> '';

INSERT INTO payments_claimline
    (claim_id, line_no, member_id, facility_id, admission_date, from_date, through_date,
     discharge_date, revenue_code, primary_payer, coverage, hospice, network_status,
     claim_status, paid_amount)
SELECT c.id, r.line_no, r.member_id, r.facility_id, r.admission_date::date, r.from_date::date,
       r.through_date::date, nullif(r.discharge_date, '')::date, lpad(r.revenue_code, 4, '0'),
       upper(r.primary_payer), upper(r.coverage), upper(r.hospice), upper(r.network_status),
       upper(r.claim_status), r.paid_amount::numeric(14, 2)
FROM (
    SELECT DISTINCT ON (claim_id, line_no::int) *, line_no::int AS line_number
    FROM claim_rows ORDER BY claim_id, line_no::int, line
) r (line, claim_id, line_no_text, frequency_code, original_claim_id, adjudicated_date,
     received_date, member_id, facility_npi, admission_date, from_date, through_date,
     discharge_date, revenue_code, primary_payer, coverage, hospice, network_status,
     claim_status, paid_amount, facility_id, line_no)
JOIN payments_claim c ON c.claim_id = r.claim_id
WHERE NOT EXISTS (
    SELECT 1 FROM payments_claimline l WHERE l.claim_id = c.id AND l.line_no = r.line_no
);
"""


# --- reading the file ------------------------------------------------------------------------


class _RefusedByPostgres(Exception):
    """PostgreSQL could not parse the stream as CSV (ragged rows, blank lines, ...)."""


def _read_header(handle: BinaryIO, source: str) -> list[str]:
    raw = handle.readline()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        raise CsvImportError([RowError(1, "", "the file is empty")], source)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CsvImportError(
            [RowError(1, "", f"not valid UTF-8 (byte {exc.start + 1} of the line)")], source
        ) from exc
    columns = [normalise_header(name) for name in next(csv.reader([text]))]
    missing = [name for name in CLAIM_COLUMNS if name not in columns]
    if missing:
        raise CsvImportError(
            [RowError(1, name, "required column is missing") for name in missing], source
        )
    return columns


def _bad_utf8_lines(chunk: bytes, first_line: int) -> list[RowError]:
    errors = []
    for offset, raw in enumerate(chunk.split(b"\n")):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            reason = f"not valid UTF-8 (byte {exc.start + 1} of the line)"
            errors.append(RowError(first_line + offset, "", reason))
            continue
        if b"\x00" in raw:
            errors.append(RowError(first_line + offset, "", "contains a NUL byte"))
    return errors


def _line_aligned_chunks(handle: BinaryIO) -> Iterator[bytes]:
    while True:
        chunk = handle.read(CHUNK_BYTES)
        if not chunk:
            return
        if not chunk.endswith(b"\n"):
            chunk += handle.readline()
        yield chunk


@dataclass
class _Loaded:
    rows: int
    line_numbers_exact: bool


def _copy_fast(
    cursor, handle: BinaryIO, ncols: int, source: str, progress: ProgressCallback | None
) -> _Loaded:
    """Stream the data rows to PostgreSQL's CSV parser; line = record number + 1."""
    names = ", ".join(f"c{i}" for i in range(ncols))
    size = max(Path(handle.name).stat().st_size, 1) if hasattr(handle, "name") else 0
    has_quotes = False
    has_cr = False
    next_line = 2
    errors: list[RowError] = []
    sql = f"COPY claim_staging ({names}) FROM STDIN (FORMAT csv, FORCE_NOT_NULL ({names}))"
    with cursor.copy(sql) as copy:
        for chunk in _line_aligned_chunks(handle):
            try:
                chunk.decode("utf-8")
                if b"\x00" in chunk:
                    raise UnicodeError
            except UnicodeError:
                errors += _bad_utf8_lines(chunk, next_line)
            has_quotes = has_quotes or b'"' in chunk
            has_cr = has_cr or b"\r" in chunk
            next_line += chunk.count(b"\n")
            if not errors:
                copy.write(chunk)
            if progress and size:
                progress("loading", min(handle.tell() / size, 1.0))
        if errors:
            raise CsvImportError(errors, source)
    cursor.execute("SELECT count(*) FROM claim_staging")
    rows = cursor.fetchone()[0]
    return _Loaded(rows=rows, line_numbers_exact=not has_quotes and not has_cr)


def _copy_rowwise(cursor, handle: BinaryIO, ncols: int, source: str) -> _Loaded:
    """Python's csv module, row by row: exact line numbers, ragged rows, blank lines."""
    names = ", ".join(f"c{i}" for i in range(ncols))
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    reader = csv.reader(text)
    rows = 0
    with cursor.copy(f"COPY claim_staging (line, {names}) FROM STDIN") as copy:
        for values in _rows_or_utf8_error(reader, source):
            if not values or (len(values) == 1 and not values[0].strip()):
                continue
            rows += 1
            values = (values + [""] * ncols)[:ncols]
            copy.write_row((reader.line_num + 1, *values))
    text.detach()
    return _Loaded(rows=rows, line_numbers_exact=True)


def _rows_or_utf8_error(reader, source: str) -> Iterator[list[str]]:
    try:
        yield from reader
    except UnicodeDecodeError as exc:
        line = reader.line_num + 2
        raise CsvImportError(
            [RowError(line, "", f"not valid UTF-8 ({exc.reason})")], source
        ) from exc


def _prepare_staging(cursor, ncols: int) -> None:
    cursor.execute(
        "DROP TABLE IF EXISTS claim_rows, claim_staging, claim_errors, claim_good_rows, new_claims"
    )
    cols = ", ".join(f"c{i} text" for i in range(ncols))
    cursor.execute(
        "CREATE TEMP TABLE claim_staging "
        f"(line bigint GENERATED BY DEFAULT AS IDENTITY (START 2), {cols}) ON COMMIT DROP"
    )


def _load(
    cursor, path: Path, source: str, progress: ProgressCallback | None
) -> tuple[list[str], _Loaded]:
    with open(path, "rb") as handle:
        columns = _read_header(handle, source)
        _prepare_staging(cursor, len(columns))
        start = handle.tell()
        cursor.execute("SAVEPOINT claim_copy")
        try:
            loaded = _copy_fast(cursor, handle, len(columns), source, progress)
            cursor.execute("RELEASE SAVEPOINT claim_copy")
        except psycopg.errors.DataError:  # raw psycopg cursor: not wrapped by Django
            loaded = None
        if loaded is None:
            cursor.execute("ROLLBACK TO SAVEPOINT claim_copy")
            handle.seek(start)
            # the header was read from line 1; csv's line_num counts from line 2 here
            loaded = _copy_rowwise(cursor, handle, len(columns), source)
    return columns, loaded


def _reload_rowwise(cursor, path: Path, columns: list[str], source: str) -> None:
    with open(path, "rb") as handle:
        _read_header(handle, source)
        cursor.execute("TRUNCATE claim_staging")
        _copy_rowwise(cursor, handle, len(columns), source)


def _validate(cursor) -> list[RowError]:
    cursor.execute("DROP TABLE IF EXISTS claim_errors, claim_good_rows")
    cursor.execute(_value_errors_sql())
    cursor.execute(_good_rows_sql())
    cursor.execute(_conflict_errors_sql())
    cursor.execute(
        "SELECT line, col, reason, count(*) OVER () FROM "
        "(SELECT DISTINCT line, ord, col, reason FROM claim_errors) e "
        f"ORDER BY line, ord, reason LIMIT {MAX_ERRORS_FETCHED}"
    )
    rows = cursor.fetchall()
    errors = [RowError(int(line), col, reason) for line, col, reason, _ in rows]
    if rows and rows[0][3] > len(rows):
        errors.append(RowError(0, "", f"{rows[0][3] - len(rows)} further errors not listed"))
    return errors


@transaction.atomic
def import_claims(
    *,
    path: Path | str,
    actor: User | None = None,
    progress: ProgressCallback | None = None,
) -> ClaimImportSummary:
    """Import claims.csv (contract §1). Raises CsvImportError (nothing stored) on any bad row."""
    path = Path(path)
    source = str(path)
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg 3 cursor: COPY
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CLAIMS_LOCK_KEY])
        columns, loaded = _load(cursor, path, source, progress)
        if loaded.rows == 0:
            raise CsvImportError([RowError(2, "", "the file has no data rows")], source)
        cursor.execute(_create_rows_sql(columns))
        cursor.execute("ANALYZE claim_rows")
        if progress:
            progress("validating", 0.0)
        errors = _validate(cursor)
        if errors and not loaded.line_numbers_exact:
            _reload_rowwise(cursor, path, columns, source)
            cursor.execute("DROP TABLE claim_rows")
            cursor.execute(_create_rows_sql(columns))
            errors = _validate(cursor)
        if errors:
            raise CsvImportError(errors, source)
        if progress:
            progress("storing", 0.0)
        claims_added = lines_added = 0
        for statement in MERGE_SQL.split(";\n"):
            if statement.strip():
                cursor.execute(statement)
                if statement.lstrip().startswith("INSERT INTO payments_claim\n"):
                    claims_added = cursor.rowcount
                elif statement.lstrip().startswith("INSERT INTO payments_claimline"):
                    lines_added = cursor.rowcount
        cursor.execute("DROP TABLE claim_rows, claim_staging, claim_errors, claim_good_rows")
    revision = None
    if claims_added or lines_added:
        revision = record_revision(kind="claims", actor=actor, detail=path.name)
    record_event(
        actor=actor,
        action="claims.imported",
        reason=f"import of {path.name}",
        data={
            "lines_read": loaded.rows,
            "claims_added": claims_added,
            "lines_added": lines_added,
            "revision_id": revision.pk if revision else None,
        },
    )
    return ClaimImportSummary(
        lines_read=loaded.rows,
        claims_added=claims_added,
        lines_added=lines_added,
        lines_unchanged=loaded.rows - lines_added,
        revision_id=revision.pk if revision else None,
    )
