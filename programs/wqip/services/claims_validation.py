# ruff: noqa: S608  (SQL is assembled from this module's constants; values go as parameters)
"""The claims import's detailed validation: set-based SQL over the staged rows that names every
bad row by file line, column and reason (contract §1). It runs when the typed pass
(claims_typed) cannot prove every row valid, and finds nothing whenever that pass could.
"""

from __future__ import annotations

from pathlib import Path

from portal.files.csvio import (
    CsvImportError,
    RowError,
)
from programs.wqip.models.claims import (
    CLAIM_ID_MAX_LENGTH,
    MEMBER_ID_MAX_LENGTH,
)
from programs.wqip.services.claims_columns import (
    CLAIM_COLUMNS,
    CLAIM_LEVEL_COLUMNS,
    DATE_COLUMNS,
    ENUMS,
    LINE_LEVEL_COLUMNS,
    OPTIONAL_VALUES,
    _sql_literal_list,
)
from programs.wqip.services.claims_copy import (
    _create_staging,
    _fill_staging,
    _read_header,
    _reload_rowwise,
    _table_exists,
)

MAX_ERRORS_FETCHED = 10_000


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
        LEFT JOIN portal_organisation f ON f.npi = {npi} AND f.kind = 'snf'
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
           JOIN wqip_claimline l ON l.claim_id = k.claim_id AND l.line_no = k.line_no::int
           JOIN portal_organisation f ON f.id = l.facility_id
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


def _detailed_validation(cursor, path: Path, columns: list[str], loaded, source: str) -> None:  # type: ignore[no-untyped-def]
    """Name every bad row (line, column, reason); raise CsvImportError when there is one."""
    if not _table_exists(cursor, "claim_staging"):  # dropped, or loaded by parallel sessions
        _create_staging(cursor, len(columns))
        with open(path, "rb") as handle:
            _read_header(handle, source)
            loaded = _fill_staging(cursor, handle, columns, source, None)
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
