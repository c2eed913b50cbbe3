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
import functools
import io
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import psycopg
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from portal.audit.services import (
    record_event,
    record_revision,
)
from portal.files.csvio import (
    CsvImportError,
    RowError,
    normalise_header,
)
from portal.models import User
from programs.wqip.models.claims import (
    CLAIM_ID_MAX_LENGTH,
    MEMBER_ID_MAX_LENGTH,
    ClaimImport,
)

logger = logging.getLogger(__name__)

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
# contract §1 claims.csv, in the contract's order
CLAIM_COLUMNS = ("claim_id", "line_no", *CLAIM_LEVEL_COLUMNS, *LINE_LEVEL_COLUMNS)
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
      AND NOT EXISTS (SELECT 1 FROM wqip_claim o WHERE o.claim_id = r.original_claim_id)
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
           FROM claim_good_rows k JOIN wqip_claim c ON c.claim_id = k.claim_id
           WHERE k.{c} <> {expr}"""
        for c, expr in DB_CLAIM_COLUMNS.items()
    )
    db_line = " UNION ALL ".join(
        f"""SELECT k.line, {COLUMN_ORDER[c]}, '{c}',
            'claim ' || k.claim_id || ' line ' || k.line_no || ' was imported before with '
            || {_shown(expr)} || ' (a claim changes only through a replacement or void)'
           FROM claim_good_rows k
           JOIN wqip_claim c ON c.claim_id = k.claim_id
           JOIN wqip_claimline l ON l.claim_id = c.id AND l.line_no = k.line_no::int
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


# --- the fast path: one typed pass that proves a row valid (or raises, or says no) -----------
# `ok` is a sufficient condition for the detailed checks above to find nothing: whenever it is
# false for a row, or a cast raises, or a cross-row check finds something, the detailed
# (slower) validation runs and names every error.


def _typed_sql(
    columns: list[str],
    *,
    trim: bool = True,
    target: str = "CREATE TEMP TABLE claim_typed ON COMMIT DROP",
) -> str:
    """``trim=False`` when the loader saw no blank next to a separator (saves a btrim per
    value); the values are then used as they are. Each value is cast once (inner query);
    the outer query compares the cast back with the text (strict ISO dates, plain numbers).
    ``target`` is the CREATE ... of the result (a part table when loading in parallel)."""
    trimmed = ", ".join(
        (f"btrim(coalesce(c{columns.index(c)}, ''))" if trim else f"c{columns.index(c)}")
        + f" AS {c}"
        for c in CLAIM_COLUMNS
    )
    required_dates = [c for c in DATE_COLUMNS if c != "discharge_date"]
    casts = ", ".join(
        [f"s.{c}::date AS {c}_d" for c in required_dates]
        + [
            "nullif(s.discharge_date, '')::date AS discharge_date_d",
            "s.line_no::int AS line_no_i",
            "s.paid_amount::numeric AS paid_amount_n",
            "f.id AS facility_id",
        ]
    )
    dates_ok = " AND ".join(f"{c}_d::text = {c}" for c in required_dates)
    enums_ok = " AND ".join(
        f"{c} IN ({_sql_literal_list(allowed)})"
        for c, allowed in ENUMS.items()
        if c != "frequency_code"
    )
    # money: the canonical text of the number (no sign '+', no leading zero, 1-2 decimals,
    # at most 12 whole digits; NaN/Infinity fail the abs) implies MONEY_PATTERN, and costs
    # less than the pattern
    ok = f"""
        claim_id <> '' AND length(claim_id) <= {CLAIM_ID_MAX_LENGTH}
        AND line_no_i BETWEEN 1 AND 999999999 AND line_no_i::text = line_no
        AND ((frequency_code = '1' AND original_claim_id = '')
             OR (frequency_code IN ('7', '8') AND original_claim_id <> ''
                 AND original_claim_id <> claim_id
                 AND length(original_claim_id) <= {CLAIM_ID_MAX_LENGTH}))
        AND {dates_ok}
        AND (discharge_date = '' OR discharge_date_d::text = discharge_date)
        AND through_date_d >= from_date_d
        AND member_id <> '' AND length(member_id) <= {MEMBER_ID_MAX_LENGTH}
        AND facility_id IS NOT NULL
        AND length(revenue_code) BETWEEN 1 AND 4
        AND translate(revenue_code, '0123456789', '') = ''
        AND {enums_ok}
        AND paid_amount_n::text = paid_amount AND abs(paid_amount_n) < 1e12
        AND scale(paid_amount_n) <= 2
    """
    return f"""
    {target} AS
    SELECT line, claim_id, line_no_i AS line_no, frequency_code, original_claim_id,
           adjudicated_date_d AS adjudicated_date, received_date_d AS received_date,
           member_id, facility_id, admission_date_d AS admission_date,
           from_date_d AS from_date, through_date_d AS through_date,
           discharge_date_d AS discharge_date, lpad(revenue_code, 4, '0') AS revenue_code,
           upper(primary_payer) AS primary_payer, upper(coverage) AS coverage,
           upper(hospice) AS hospice, upper(network_status) AS network_status,
           upper(claim_status) AS claim_status, paid_amount_n::numeric(14, 2) AS paid_amount,
           ({ok}) AS ok
    FROM (
        SELECT s.*, {casts}
        FROM (SELECT line, {trimmed} FROM claim_staging OFFSET 0) s
        LEFT JOIN portal_facility f ON f.npi = s.facility_npi
        OFFSET 0
    ) v
    """


LINE_VALUE_COLUMNS = (
    "member_id",
    "facility_id",
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


def _typed_checks_sql() -> str:
    k_line = ", ".join(f"k.{c}" for c in LINE_VALUE_COLUMNS)
    l_line = ", ".join(f"l.{c}" for c in LINE_VALUE_COLUMNS)
    k_claim = ", ".join(f"k.{c}" for c in CLAIM_LEVEL_COLUMNS)
    c_claim = ", ".join(f"c.{c}" for c in CLAIM_LEVEL_COLUMNS)
    return f"""
    SELECT
      (SELECT count(*) FROM claim_typed WHERE NOT ok),
      (SELECT count(*) FROM (
          SELECT claim_id FROM claim_versions GROUP BY claim_id HAVING count(*) > 1) d),
      (SELECT count(*) FROM claim_versions r
        WHERE r.original_claim_id <> ''
          AND NOT EXISTS (SELECT 1 FROM claim_versions o WHERE o.claim_id = r.original_claim_id)
          AND NOT EXISTS (
              SELECT 1 FROM wqip_claim o WHERE o.claim_id = r.original_claim_id)),
      (SELECT count(*) FROM claim_versions k JOIN wqip_claim c ON c.claim_id = k.claim_id
        WHERE ({k_claim}) IS DISTINCT FROM ({c_claim})),
      (SELECT count(*) FROM claim_typed k
        JOIN wqip_claim c ON c.claim_id = k.claim_id
        JOIN wqip_claimline l ON l.claim_id = c.id AND l.line_no = k.line_no
        WHERE ({k_line}) IS DISTINCT FROM ({l_line}))
    """


CLAIM_VERSIONS_SQL = f"""
CREATE TEMP TABLE claim_versions ON COMMIT DROP AS
SELECT claim_id, {", ".join(CLAIM_LEVEL_COLUMNS)}, min(line) AS first_line
FROM claim_typed GROUP BY claim_id, {", ".join(CLAIM_LEVEL_COLUMNS)}
"""


def _merge(cursor, *, has_duplicate_keys: bool) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Insert the new claims and lines (the file is valid). Claim ids come from one block
    reserved on the sequence (one setval instead of a nextval per claim)."""
    columns = ", ".join(LINE_VALUE_COLUMNS)
    k_columns = ", ".join(f"k.{c}" for c in LINE_VALUE_COLUMNS)
    source = (
        "(SELECT DISTINCT ON (claim_id, line_no) * FROM claim_typed "
        "ORDER BY claim_id, line_no, line)"
        if has_duplicate_keys
        else "claim_typed"
    )
    cursor.execute(
        """
        CREATE TEMP TABLE new_claims ON COMMIT DROP AS
        SELECT row_number() OVER (ORDER BY v.first_line) AS id, v.*
        FROM claim_versions v
        WHERE NOT EXISTS (SELECT 1 FROM wqip_claim c WHERE c.claim_id = v.claim_id)
        """
    )
    claims_added = cursor.rowcount
    cursor.execute("ANALYZE new_claims")
    # claim ids: new_claims.id (1..n, in file order) + offset, one block of the sequence
    offset = 0
    if claims_added:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('wqip_claim', 'id'), "
            "nextval(pg_get_serial_sequence('wqip_claim', 'id')) + %s - 1)",
            [claims_added],
        )
        offset = cursor.fetchone()[0] - claims_added
    cursor.execute(
        """
        INSERT INTO wqip_claim
            (id, claim_id, frequency_code, original_claim_id, replaces_id,
             adjudicated_date, received_date, imported_at)
        SELECT n.id + %(offset)s, n.claim_id, n.frequency_code, n.original_claim_id,
               coalesce(o.id + %(offset)s, c.id), n.adjudicated_date, n.received_date, now()
        FROM new_claims n
        LEFT JOIN new_claims o ON o.claim_id = n.original_claim_id AND n.original_claim_id <> ''
        LEFT JOIN wqip_claim c
          ON c.claim_id = n.original_claim_id AND n.original_claim_id <> ''
        """,
        {"offset": offset},
    )
    # ids from the sequence as one block: nobody else writes claim lines (we hold the lock).
    # A line's id is derived from its file line (no numbering pass); lines that are not
    # inserted leave gaps in the block, which a sequence allows.
    cursor.execute("SELECT min(line), max(line) FROM claim_typed")
    min_line, max_line = cursor.fetchone()
    cursor.execute("SELECT nextval(pg_get_serial_sequence('wqip_claimline', 'id'))")
    first_id = cursor.fetchone()[0]
    cursor.execute(
        f"""
        INSERT INTO wqip_claimline (id, claim_id, line_no, {columns})
        SELECT %(first_id)s + k.line - %(min_line)s, n.id + %(offset)s, k.line_no,
               {k_columns}
        FROM {source} k JOIN new_claims n ON n.claim_id = k.claim_id
        """,
        {"first_id": first_id, "offset": offset, "min_line": min_line},
    )
    lines_added = cursor.rowcount
    if max_line > min_line:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('wqip_claimline', 'id'), %s)",
            [first_id + max_line - min_line],
        )
    cursor.execute("SELECT count(*) FROM claim_versions")
    if cursor.fetchone()[0] == claims_added:
        return claims_added, lines_added  # every claim of the file is new: nothing else to add
    cursor.execute(
        f"""
        INSERT INTO wqip_claimline (claim_id, line_no, {columns})
        SELECT c.id, k.line_no, {k_columns}
        FROM {source} k JOIN wqip_claim c ON c.claim_id = k.claim_id
        WHERE NOT EXISTS (SELECT 1 FROM new_claims n WHERE n.claim_id = k.claim_id)
          AND NOT EXISTS (
              SELECT 1 FROM wqip_claimline l WHERE l.claim_id = c.id AND l.line_no = k.line_no)
        """
    )
    lines_added += cursor.rowcount
    return claims_added, lines_added


def _fast_check(cursor, columns: list[str], *, trim: bool) -> bool:  # type: ignore[no-untyped-def]
    """True when every row is proven valid. Leaves claim_typed and claim_versions behind.
    Duplicate (claim_id, line_no) keys inside the file are found by the merge (unique
    constraint), which then falls back to the detailed validation."""
    cursor.execute("SAVEPOINT claim_typed")
    try:
        cursor.execute(_typed_sql(columns, trim=trim))
    except psycopg.errors.DataError:  # a value PostgreSQL cannot even cast
        cursor.execute("ROLLBACK TO SAVEPOINT claim_typed")
        return False
    cursor.execute("RELEASE SAVEPOINT claim_typed")
    return _check_typed(cursor)


def _check_typed(cursor, *, analyze: bool = True) -> bool:  # type: ignore[no-untyped-def]
    """True when every row of claim_typed is proven valid; leaves claim_versions behind.
    ``analyze=False`` when claim_typed is a view over analysed tables."""
    # statistics (a sample) for the joins below: without them the planner guesses a few
    # hundred thousand rows and sorts both sides of a merge join instead of hashing
    if analyze:
        cursor.execute("ANALYZE claim_typed")
    cursor.execute(CLAIM_VERSIONS_SQL)
    cursor.execute("ANALYZE claim_versions")
    cursor.execute(_typed_checks_sql())
    return not any(cursor.fetchone())


# --- reading the file ------------------------------------------------------------------------


class _RefusedByPostgres(Exception):
    """PostgreSQL could not parse the stream as CSV (ragged rows, blank lines, ...), or would
    misread it: a line that is only \\. ends the data of COPY FROM STDIN (up to PostgreSQL
    17), so the rows after it would be silently dropped."""


END_OF_DATA_LINE = re.compile(rb"(?:^|\n)\\\.\r?(?:\n|$)")


def has_end_of_data_line(chunk: bytes) -> bool:
    """True when a line of ``chunk`` (whole lines) is COPY's end-of-data marker \\."""
    return b"\\." in chunk and END_OF_DATA_LINE.search(chunk) is not None


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


def _line_aligned_chunks(handle: BinaryIO, end: int | None = None) -> Iterator[bytes]:
    """Chunks of about CHUNK_BYTES that end at a line end, up to byte ``end`` (which must
    follow a line feed) or the end of the file."""
    while True:
        size = CHUNK_BYTES if end is None else min(CHUNK_BYTES, end - handle.tell())
        chunk = handle.read(size) if size > 0 else b""
        if not chunk:
            return
        if not chunk.endswith(b"\n") and (end is None or handle.tell() < end):
            chunk += handle.readline()
        yield chunk


@dataclass
class _Loaded:
    rows: int
    line_numbers_exact: bool
    needs_trim: bool = True


BLANK_NEXT_TO_SEPARATOR = (b" ,", b", ", b"\t", b" \r", b" \n", b"\n ", b'" ', b' "')


def _has_blank_next_to_separator(chunk: bytes) -> bool:
    return (
        chunk.startswith((b" ", b"\t"))
        or chunk.endswith((b" ", b"\t"))
        or any(pattern in chunk for pattern in BLANK_NEXT_TO_SEPARATOR)
    )


def _copy_fast(
    cursor, handle: BinaryIO, ncols: int, source: str, progress: ProgressCallback | None
) -> _Loaded:
    """Stream the data rows to PostgreSQL's CSV parser; line = record number + 1."""
    names = ", ".join(f"c{i}" for i in range(ncols))
    size = max(Path(handle.name).stat().st_size, 1) if hasattr(handle, "name") else 0
    has_quotes = False
    has_cr = False
    needs_trim = False
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
            if has_end_of_data_line(chunk):
                raise _RefusedByPostgres("a line holds only \\.")
            has_quotes = has_quotes or b'"' in chunk
            has_cr = has_cr or b"\r" in chunk
            needs_trim = needs_trim or _has_blank_next_to_separator(chunk)
            next_line += chunk.count(b"\n")
            if not errors:
                copy.write(chunk)
            if progress and size:
                progress("loading", min(handle.tell() / size, 1.0))
        if errors:
            raise CsvImportError(errors, source)
    cursor.execute("SELECT count(*) FROM claim_staging")
    rows = cursor.fetchone()[0]
    return _Loaded(
        rows=rows, line_numbers_exact=not has_quotes and not has_cr, needs_trim=needs_trim
    )


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
        "DROP TABLE IF EXISTS claim_rows, claim_staging, claim_errors, claim_good_rows, "
        "claim_versions, claim_typed, new_claims"
    )
    _create_staging(cursor, ncols)


def _create_staging(cursor, ncols: int) -> None:  # type: ignore[no-untyped-def]
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
        loaded = _fill_staging(cursor, handle, len(columns), source, progress)
    return columns, loaded


def _fill_staging(
    cursor, handle: BinaryIO, ncols: int, source: str, progress: ProgressCallback | None
) -> _Loaded:
    """The data rows into claim_staging: PostgreSQL's CSV parser, or row by row when it
    refuses the stream."""
    start = handle.tell()
    cursor.execute("SAVEPOINT claim_copy")
    try:
        loaded = _copy_fast(cursor, handle, ncols, source, progress)
        cursor.execute("RELEASE SAVEPOINT claim_copy")
        return loaded
    except (psycopg.errors.DataError, _RefusedByPostgres):  # raw psycopg: not wrapped by Django
        cursor.execute("ROLLBACK TO SAVEPOINT claim_copy")
    handle.seek(start)
    # the header was read from line 1; csv's line_num counts from line 2 here
    return _copy_rowwise(cursor, handle, ncols, source)


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


def _tune_session(cursor) -> None:  # type: ignore[no-untyped-def]
    """Memory for sorts and hashes; temp_buffers only takes before the session's first
    temporary table, so a failure to set it is ignored."""
    cursor.execute("SET LOCAL work_mem = '256MB'")
    cursor.execute("SET LOCAL jit = off")
    cursor.execute("SET LOCAL datestyle = 'ISO, YMD'")
    cursor.execute(
        "DO $$ BEGIN PERFORM set_config('temp_buffers', '2GB', false); "
        "EXCEPTION WHEN others THEN NULL; END $$"
    )


def _ensure_typed(cursor, columns: list[str]) -> None:  # type: ignore[no-untyped-def]
    if not _table_exists(cursor, "claim_typed"):
        cursor.execute(_typed_sql(columns))
    if not _table_exists(cursor, "claim_versions"):
        cursor.execute(CLAIM_VERSIONS_SQL)


def _table_exists(cursor, name: str) -> bool:  # type: ignore[no-untyped-def]
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"pg_temp.{name}"])
    return cursor.fetchone()[0]


def _detailed_validation(cursor, path: Path, columns: list[str], loaded, source: str) -> None:  # type: ignore[no-untyped-def]
    """Name every bad row (line, column, reason); raise CsvImportError when there is one."""
    if not _table_exists(cursor, "claim_staging"):  # dropped, or loaded by parallel sessions
        _create_staging(cursor, len(columns))
        with open(path, "rb") as handle:
            _read_header(handle, source)
            loaded = _fill_staging(cursor, handle, len(columns), source, None)
    cursor.execute("DROP TABLE IF EXISTS claim_rows")
    cursor.execute(_create_rows_sql(columns))
    cursor.execute("ANALYZE claim_rows")
    errors = _validate(cursor)
    if errors and not loaded.line_numbers_exact:
        _reload_rowwise(cursor, path, columns, source)
        cursor.execute("DROP TABLE claim_rows")
        cursor.execute(_create_rows_sql(columns))
        errors = _validate(cursor)
    if errors:
        raise CsvImportError(errors, source)


def import_claims(
    *,
    path: Path | str,
    actor: User | None = None,
    progress: ProgressCallback | None = None,
) -> ClaimImportSummary:
    """Import claims.csv (contract §1). Raises CsvImportError (nothing stored) on any bad row.

    Large files imported outside any transaction are loaded and typed by several database
    sessions at once (``payments.claim_parallel_load``); their work tables are dropped
    whatever happens."""
    from programs.wqip.services import claims_parallel_load as claim_parallel_load

    path = Path(path)
    workers = claim_parallel_load.workers_for(path)
    part_tables: list[str] = []
    try:
        return _import_claims(
            path=path, actor=actor, progress=progress, workers=workers, part_tables=part_tables
        )
    finally:
        claim_parallel_load.drop_part_tables(part_tables)


@transaction.atomic
def _import_claims(
    *,
    path: Path,
    actor: User | None,
    progress: ProgressCallback | None,
    workers: int,
    part_tables: list[str],
) -> ClaimImportSummary:
    from programs.wqip.services import claims_parallel_load as claim_parallel_load

    source = str(path)
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg 3 cursor: COPY
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CLAIMS_LOCK_KEY])
        claim_parallel_load.sweep_stale_parts(cursor)
        _tune_session(cursor)
        started = time.perf_counter()
        loaded = None
        if workers:
            with open(path, "rb") as handle:
                columns = _read_header(handle, source)
                data_start = handle.tell()
            loaded = claim_parallel_load.load_typed(
                cursor,
                path=path,
                columns=columns,
                data_start=data_start,
                workers=workers,
                progress=progress,
                part_tables=part_tables,
            )
        typed_by_workers = loaded is not None
        if loaded is None:
            columns, loaded = _load(cursor, path, source, progress)
        logger.info("claims %s: loaded in %.1f s", path.name, time.perf_counter() - started)
        if loaded.rows == 0:
            raise CsvImportError([RowError(2, "", "the file has no data rows")], source)
        if progress:
            progress("validating", 0.0)
        if typed_by_workers:  # claim_typed is a view over the workers' analysed parts
            proven = _check_typed(cursor, analyze=False)
        else:
            proven = _fast_check(cursor, columns, trim=loaded.needs_trim)
            if proven:  # free the temporary buffers for the merge; the file can be read again
                cursor.execute("DROP TABLE claim_staging")
        if not proven:
            _detailed_validation(cursor, path, columns, loaded, source)
            _ensure_typed(cursor, columns)
        if progress:
            progress("storing", 0.0)
        cursor.execute("SAVEPOINT claim_merge")
        try:
            claims_added, lines_added = _merge(cursor, has_duplicate_keys=False)
            cursor.execute("RELEASE SAVEPOINT claim_merge")
        except psycopg.errors.UniqueViolation:  # the same key twice in the file
            cursor.execute("ROLLBACK TO SAVEPOINT claim_merge")
            if proven:
                _detailed_validation(cursor, path, columns, loaded, source)
            cursor.execute("DROP TABLE IF EXISTS new_claims")
            claims_added, lines_added = _merge(cursor, has_duplicate_keys=True)
        if typed_by_workers:
            claim_parallel_load.drop_typed_view(cursor, part_tables)
        cursor.execute(
            "DROP TABLE IF EXISTS claim_rows, claim_staging, claim_errors, claim_good_rows, "
            "claim_typed, claim_versions, new_claims"
        )
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


# --- the web path: upload -> Celery job -> same import --------------------------------------


def _progress_key(claim_import_id: int) -> str:
    return f"claim-import:{claim_import_id}:progress"


def claim_import_progress(*, claim_import_id: int) -> dict[str, object]:
    """Stage and fraction of a running import (kept in the cache: the import's own
    transaction is invisible until it commits)."""
    return cache.get(_progress_key(claim_import_id)) or {"stage": "", "fraction": 0.0}


@transaction.atomic
def start_claim_import(*, uploaded_file, actor: User) -> ClaimImport:  # type: ignore[no-untyped-def]
    """Store the upload privately and queue the import job."""
    from programs.wqip.tasks import import_claims_task

    claim_import = ClaimImport(original_name=Path(uploaded_file.name).name[:255], uploaded_by=actor)
    claim_import.file.save(f"{uuid.uuid4().hex}.csv", uploaded_file, save=False)
    claim_import.save()
    record_event(actor=actor, action="claims.upload_queued", target=claim_import)
    transaction.on_commit(
        functools.partial(import_claims_task.delay, claim_import_id=claim_import.pk)
    )
    return claim_import


def run_claim_import(*, claim_import_id: int) -> ClaimImport:
    """The job: import the stored file, record the outcome. Safe to run twice."""
    with transaction.atomic():
        claim_import = ClaimImport.objects.select_for_update().get(pk=claim_import_id)
        if claim_import.is_done:
            return claim_import
        claim_import.status = ClaimImport.Status.RUNNING
        claim_import.save(update_fields=["status"])

    def progress(stage: str, fraction: float) -> None:
        cache.set(_progress_key(claim_import_id), {"stage": stage, "fraction": fraction}, 3600)

    try:
        summary = import_claims(
            path=claim_import.file.path, actor=claim_import.uploaded_by, progress=progress
        )
    except CsvImportError as exc:
        claim_import.status = ClaimImport.Status.FAILED
        claim_import.error_count = len(exc.errors)
        claim_import.error_report = "\n".join(str(error) for error in exc.errors)
        claim_import.summary = f"refused: {len(exc.errors)} error(s); nothing was imported"
    else:
        claim_import.status = ClaimImport.Status.SUCCEEDED
        claim_import.summary = str(summary)[:250]
    claim_import.finished_at = timezone.now()
    claim_import.save(
        update_fields=["status", "error_count", "error_report", "summary", "finished_at"]
    )
    progress("done", 1.0)
    return claim_import
