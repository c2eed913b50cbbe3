# ruff: noqa: S608  (SQL is assembled from this module's constants; values go as parameters)
"""The claims import's fast path: one typed pass that proves a row valid (or raises, or says
no), on the staged rows (claims_copy) or, in parallel, on each session's part.

`ok` is a sufficient condition for the detailed checks (claims_validation) to find nothing:
whenever it is false for a row, or a cast raises, or a cross-row check finds something, the
detailed (slower) validation runs and names every error.
"""

from __future__ import annotations

import psycopg

from programs.wqip.models.claims import (
    CLAIM_ID_MAX_LENGTH,
    MEMBER_ID_MAX_LENGTH,
)
from programs.wqip.services.claims_columns import (
    CLAIM_COLUMNS,
    CLAIM_LEVEL_COLUMNS,
    DATE_COLUMNS,
    ENUMS,
    LINE_VALUE_COLUMNS,
    _sql_literal_list,
)
from programs.wqip.services.claims_copy import _table_exists


def _typed_sql(
    columns: list[str],
    *,
    trim: bool = True,
    target: str = "CREATE TEMP TABLE claim_typed ON COMMIT DROP",
    line_offset: int = 0,
) -> str:
    """``trim=False`` when the loader saw no blank next to a separator (saves a btrim per
    value); the values are then used as they are. Each value is cast once (inner query);
    the outer query compares the cast back with the text (strict ISO dates, plain numbers).
    ``target`` is the CREATE ... of the result (a part table when loading in parallel; empty:
    the query alone);
    ``line_offset`` is added to the staged line numbers (a part's rows are numbered from 1)."""
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
    # upper() of the enumerations, called only when the value is not already one of the
    # allowed values (which are upper case): the same result, and upper() of a UTF-8 value
    # costs ≈1.3 s per million lines over the five columns
    uppercased = ", ".join(
        f"CASE WHEN {c} IN ({_sql_literal_list(allowed)}) THEN {c} ELSE upper({c}) END AS {c}"
        for c, allowed in ENUMS.items()
        if c != "frequency_code"
    )
    return f"""
    {target + " AS" if target else ""}
    SELECT line + {int(line_offset)} AS line, claim_id, line_no_i AS line_no, frequency_code,
           original_claim_id,
           adjudicated_date_d AS adjudicated_date, received_date_d AS received_date,
           member_id, facility_id, admission_date_d AS admission_date,
           from_date_d AS from_date, through_date_d AS through_date,
           discharge_date_d AS discharge_date, lpad(revenue_code, 4, '0') AS revenue_code,
           {uppercased}, paid_amount_n::numeric(14, 2) AS paid_amount,
           ({ok}) AS ok
    FROM (
        SELECT s.*, {casts}
        FROM (SELECT line, {trimmed} FROM claim_staging OFFSET 0) s
        LEFT JOIN portal_organisation f ON f.npi = s.facility_npi AND f.kind = 'snf'
        OFFSET 0
    ) v
    """


def _typed_checks_sql() -> str:
    k_line = ", ".join(f"k.{c}" for c in LINE_VALUE_COLUMNS)
    l_line = ", ".join(f"l.{c}" for c in LINE_VALUE_COLUMNS)
    k_claim = ", ".join(f"k.{c}" for c in CLAIM_LEVEL_COLUMNS)
    c_claim = ", ".join(f"c.{c}" for c in CLAIM_LEVEL_COLUMNS)
    return f"""
    SELECT
      (SELECT count(*) FROM claim_versions WHERE NOT ok),
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
        JOIN wqip_claimline l ON l.claim_id = k.claim_id AND l.line_no = k.line_no
        WHERE ({k_line}) IS DISTINCT FROM ({l_line}))
    """


# one pass over the typed rows: the claim-level values of each claim (two rows for a claim
# whose lines disagree), whether all its lines were proven valid, its first and last file
# line. A first import needs nothing more (a new claim's id follows its first line); a later
# one numbers the claims it does not have yet (claims_import._insert_claims).
CLAIM_VERSIONS_SQL = f"""
CREATE TEMP TABLE claim_versions ON COMMIT DROP AS
SELECT claim_id, {", ".join(CLAIM_LEVEL_COLUMNS)}, min(line) AS first_line,
       max(line) AS last_line, bool_and(ok) AS ok
FROM claim_typed GROUP BY claim_id, {", ".join(CLAIM_LEVEL_COLUMNS)}
"""

# a first import (empty claim tables): what the full checks find beyond these cannot occur
# (nothing stored to disagree with) or is refused by the claim table's unique constraint,
# built after the load (two versions of one claim: the merge falls back to the detailed
# validation, which names the rows)
FIRST_IMPORT_CHECKS_SQL = """
SELECT
  (SELECT count(*) FROM claim_versions WHERE NOT ok),
  (SELECT count(*) FROM claim_versions r
    WHERE r.original_claim_id <> ''
      AND NOT EXISTS (SELECT 1 FROM claim_versions o WHERE o.claim_id = r.original_claim_id))
"""


def _fast_check(cursor, columns: list[str], *, trim: bool, first_import: bool = False) -> bool:  # type: ignore[no-untyped-def]
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
    return _check_typed(cursor, first_import=first_import)


def _check_typed(cursor, *, analyze: bool = True, first_import: bool = False) -> bool:  # type: ignore[no-untyped-def]
    """True when every row of claim_typed is proven valid; leaves claim_versions behind.
    ``analyze=False`` when claim_typed is a view over analysed tables; ``first_import`` when
    the claim tables are empty (FIRST_IMPORT_CHECKS_SQL)."""
    # statistics (a sample) for the joins below: without them the planner guesses a few
    # hundred thousand rows and sorts both sides of a merge join instead of hashing
    if analyze:
        cursor.execute("ANALYZE claim_typed")
    cursor.execute(CLAIM_VERSIONS_SQL)
    cursor.execute("ANALYZE claim_versions")
    cursor.execute(FIRST_IMPORT_CHECKS_SQL if first_import else _typed_checks_sql())
    return not any(cursor.fetchone())


def _ensure_typed(cursor, columns: list[str]) -> None:  # type: ignore[no-untyped-def]
    if not _table_exists(cursor, "claim_typed"):
        cursor.execute(_typed_sql(columns))
    if not _table_exists(cursor, "claim_versions"):
        cursor.execute(CLAIM_VERSIONS_SQL)
