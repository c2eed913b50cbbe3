# ruff: noqa: T201  (a command-line script prints)
"""The plain-SQL baseline of `make bench` (issue 17): contract §1-2 and the bed-day export in
raw SQL through psycopg, no ORM, no Django, no validation beyond casts.

    python -m tests.bench.baseline DATABASE_URL claims.csv --program-year 2024 --out days.csv

Import: COPY into an all-text staging table, one typed INSERT into a logged `bl_claim_line`
table with a primary key (claim_id, line_no). Compute: claim versions, fork winners and the
family walk, bed-day line segments, one outcome per member, facility and day (date ranges),
days per facility and outcome into `bl_bed_days`. Export: `COPY ... TO STDOUT` in the format
of `export_bed_days`. Reads the facility registry (`portal_organisation`, `portal_facility`)
of the same database. Each step is one transaction, as the project's three commands are.

`tests/bench/test_baseline.py` checks that its export equals the project's, byte for byte.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

import psycopg

# contract §2.5 order: a lower code is the better outcome
OUTCOMES = (
    "qualifying",
    "facility_ineligible",
    "not_paid",
    "leave_day",
    "medi_cal_not_primary",
    "fee_for_service",
    "hospice",
    "out_of_network",
    "discharge_day",
)
COLUMNS = (
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

CREATE_SQL = """
CREATE TABLE IF NOT EXISTS bl_claim_line (
    claim_id text COLLATE "C" NOT NULL,
    line_no int NOT NULL,
    frequency_code char(1) NOT NULL,
    original_claim_id text COLLATE "C" NOT NULL,
    adjudicated_date date NOT NULL,
    received_date date NOT NULL,
    member_id text COLLATE "C" NOT NULL,
    facility_id bigint NOT NULL,
    admission_date date NOT NULL,
    from_date date NOT NULL,
    through_date date NOT NULL,
    discharge_date date,
    revenue_code text NOT NULL,
    primary_payer text NOT NULL,
    coverage text NOT NULL,
    hospice text NOT NULL,
    network_status text NOT NULL,
    claim_status text NOT NULL,
    paid_amount numeric(14, 2) NOT NULL,
    PRIMARY KEY (claim_id, line_no)
);
CREATE TABLE IF NOT EXISTS bl_bed_days (
    program_year int NOT NULL,
    facility_id bigint NOT NULL,
    outcome smallint NOT NULL,
    days bigint NOT NULL,
    PRIMARY KEY (program_year, facility_id, outcome)
)
"""

INSERT_SQL = """
INSERT INTO bl_claim_line
SELECT s.claim_id, s.line_no::int, s.frequency_code, coalesce(s.original_claim_id, ''),
       s.adjudicated_date::date, s.received_date::date, s.member_id, o.id,
       s.admission_date::date, s.from_date::date, s.through_date::date,
       nullif(s.discharge_date, '')::date, lpad(s.revenue_code, 4, '0'),
       upper(s.primary_payer), upper(s.coverage), upper(s.hospice), upper(s.network_status),
       upper(s.claim_status), s.paid_amount::numeric(14, 2)
FROM bl_staging s
JOIN portal_organisation o ON o.npi = s.facility_npi AND o.kind = 'snf'
"""

COMPUTE_SQL = [
    # claim-level values are the same on every line of a claim
    """
    CREATE TEMP TABLE bl_claim ON COMMIT DROP AS
    SELECT claim_id, min(frequency_code) AS frequency_code,
           min(original_claim_id) AS original_claim_id, min(adjudicated_date) AS adjudicated_date
    FROM bl_claim_line GROUP BY claim_id
    """,
    # §2.1 the winner of each fork: later adjudicated_date, then greater claim_id as text
    """
    CREATE TEMP TABLE bl_winner ON COMMIT DROP AS
    SELECT DISTINCT ON (original_claim_id) original_claim_id AS parent, claim_id AS child,
           frequency_code
    FROM bl_claim WHERE original_claim_id <> ''
    ORDER BY original_claim_id, adjudicated_date DESC, claim_id DESC
    """,
    # walk down from each original along the winners; the end of the walk is effective
    """
    CREATE TEMP TABLE bl_effective ON COMMIT DROP AS
    WITH RECURSIVE walk (claim_id, frequency_code) AS (
        SELECT claim_id, frequency_code FROM bl_claim WHERE original_claim_id = ''
        UNION ALL
        SELECT w.child, w.frequency_code FROM walk JOIN bl_winner w ON w.parent = walk.claim_id
    )
    SELECT claim_id FROM walk
    WHERE frequency_code <> '8'
      AND NOT EXISTS (SELECT 1 FROM bl_winner w WHERE w.parent = walk.claim_id)
    """,
    # §2.2-2.4 the days of each effective bed-day line in the year with the line's outcome;
    # a qualifying line's discharge day inside its range is a discharge_day
    """
    CREATE TEMP TABLE bl_segment ON COMMIT DROP AS
    WITH line AS (
        SELECT l.facility_id, l.member_id, l.from_date,
               CASE WHEN l.discharge_date BETWEEN l.from_date AND l.through_date
                    THEN l.discharge_date ELSE l.through_date END AS last_day,
               coalesce(l.discharge_date BETWEEN l.from_date AND l.through_date
                        AND l.discharge_date <> l.admission_date, false) AS discharge_inside,
               CASE WHEN NOT f.is_wqip_eligible THEN 1
                    WHEN l.claim_status <> 'PAID' THEN 2
                    WHEN l.revenue_code IN ('0180', '0185') AND NOT %(leave)s THEN 3
                    WHEN l.primary_payer <> 'MEDI_CAL' THEN 4
                    WHEN l.coverage = 'FFS' THEN 5
                    WHEN l.hospice = 'Y' THEN 6
                    WHEN l.network_status = 'OUT' THEN 7
                    ELSE 0 END AS reason
        FROM bl_claim_line l
        JOIN bl_effective e ON e.claim_id = l.claim_id
        JOIN portal_facility f ON f.organisation_ptr_id = l.facility_id
        WHERE l.revenue_code IN ('0101', '0190', '0180', '0185')
          AND l.from_date <= %(year_end)s AND l.through_date >= %(year_start)s
    ),
    part AS (
        SELECT facility_id, member_id, reason AS outcome, greatest(from_date, %(year_start)s) AS a,
               least(CASE WHEN reason = 0 AND discharge_inside THEN last_day - 1
                          ELSE last_day END, %(year_end)s) AS b
        FROM line
        UNION ALL
        SELECT facility_id, member_id, 8, last_day, last_day
        FROM line
        WHERE reason = 0 AND discharge_inside
          AND last_day BETWEEN %(year_start)s AND %(year_end)s
    )
    SELECT facility_id, member_id, outcome, daterange(a, b, '[]') AS days
    FROM part WHERE a <= b
    """,
    # §2.5 one member, one facility, one day: an outcome keeps the days no better one took
    """
    INSERT INTO bl_bed_days (program_year, facility_id, outcome, days)
    WITH per_outcome AS (
        SELECT facility_id, member_id, outcome, range_agg(days) AS days
        FROM bl_segment GROUP BY facility_id, member_id, outcome
    ),
    with_better AS (
        SELECT facility_id, outcome, days,
               range_agg(days) OVER (
                   PARTITION BY facility_id, member_id ORDER BY outcome
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS better
        FROM per_outcome
    )
    SELECT %(year)s, facility_id, outcome, sum(upper(r) - lower(r))
    FROM with_better,
         LATERAL unnest(CASE WHEN better IS NULL THEN days ELSE days - better END) AS r
    GROUP BY facility_id, outcome
    """,
]

EXPORT_SQL = """
COPY (
    SELECT o.npi AS facility_npi, %(year)s AS program_year,
           coalesce(d.days, 0) AS qualifying_bed_days
    FROM portal_facility f
    JOIN portal_organisation o ON o.id = f.organisation_ptr_id
    LEFT JOIN bl_bed_days d
      ON d.facility_id = o.id AND d.program_year = %(year)s AND d.outcome = 0
    ORDER BY o.npi
) TO STDOUT (FORMAT csv, HEADER true)
"""

EXPORT_BY_REASON_SQL = """
COPY (
    SELECT o.npi AS facility_npi, %(year)s AS program_year, r.reason, d.days
    FROM bl_bed_days d
    JOIN portal_organisation o ON o.id = d.facility_id
    JOIN (SELECT (ordinality - 1)::smallint AS outcome, reason
          FROM unnest(%(reasons)s::text[]) WITH ORDINALITY AS u (reason, ordinality)) r
      ON r.outcome = d.outcome
    WHERE d.program_year = %(year)s AND d.days > 0
    ORDER BY o.npi, d.outcome
) TO STDOUT (FORMAT csv, HEADER true)
"""


def _literals(year: int, count_leave_days: bool) -> dict[str, str]:
    # CREATE TABLE AS takes no bind parameters: the values are a year, dates and a bool
    return {
        "%(year)s": str(int(year)),
        "%(year_start)s": f"'{datetime.date(year, 1, 1).isoformat()}'::date",
        "%(year_end)s": f"'{datetime.date(year, 12, 31).isoformat()}'::date",
        "%(leave)s": "true" if count_leave_days else "false",
    }


def _header(path: Path) -> list[str]:
    with open(path, "rb") as handle:
        first = handle.readline().decode("utf-8-sig")
    return [name.strip().lower() for name in first.rstrip("\r\n").split(",")]


def import_claims(conn: psycopg.Connection, path: Path) -> int:
    """The file into `bl_claim_line` (replacing what it held); returns the lines stored."""
    header = _header(path)
    with conn.cursor() as cursor:
        # the session settings of the project's import (claims_copy._tune_session)
        cursor.execute(  # takes only before the session's first temporary table
            "DO $$ BEGIN PERFORM set_config('temp_buffers', '2GB', false); "
            "EXCEPTION WHEN others THEN NULL; END $$"
        )
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(CREATE_SQL)
        cursor.execute("TRUNCATE bl_claim_line")
        cursor.execute("DROP TABLE IF EXISTS bl_staging")
        staged = ", ".join(
            f'"{name}" text' if name in COLUMNS else f'"x{number}" text'
            for number, name in enumerate(header)
        )
        cursor.execute(f"CREATE TEMP TABLE bl_staging ({staged}) ON COMMIT DROP")
        with (
            open(path, "rb") as handle,
            cursor.copy("COPY bl_staging FROM STDIN (FORMAT csv, HEADER true)") as copy,
        ):
            while chunk := handle.read(4 << 20):
                copy.write(chunk)
        cursor.execute(INSERT_SQL)
        return cursor.rowcount


def compute(conn: psycopg.Connection, *, year: int, count_leave_days: bool = False) -> None:
    """Days per facility and outcome of the program year into `bl_bed_days`."""
    values = _literals(year, count_leave_days)
    with conn.cursor() as cursor:
        cursor.execute(CREATE_SQL)
        # the session settings of the project's computation (bed_days_sql.run_bed_day_sql)
        cursor.execute("SET LOCAL work_mem = '512MB'")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("DELETE FROM bl_bed_days WHERE program_year = %s", [year])
        for statement in COMPUTE_SQL:
            for placeholder, literal in values.items():
                statement = statement.replace(placeholder, literal)
            cursor.execute(statement)


def export(conn: psycopg.Connection, *, year: int, out: Path, by_reason: bool = False) -> None:
    """The bed days of the year as `export_bed_days` writes them."""
    sql = EXPORT_BY_REASON_SQL if by_reason else EXPORT_SQL
    params: dict[str, object] = {"year": year, "reasons": list(OUTCOMES)}
    with (
        conn.cursor() as cursor,
        open(out, "wb") as handle,
        cursor.copy(sql, params if by_reason else {"year": year}) as copy,
    ):
        for data in copy:
            handle.write(data)


def run(url: str, path: Path, *, year: int, out: Path) -> dict[str, float]:
    """Import, compute and export, each in its own transaction; seconds of each."""
    seconds = {}
    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        import_claims(conn, path)
        conn.commit()
        imported = time.perf_counter()
        compute(conn, year=year)
        conn.commit()
        computed = time.perf_counter()
        export(conn, year=year, out=out)
        conn.commit()
        exported = time.perf_counter()
    seconds["import"] = imported - started
    seconds["compute"] = computed - imported
    seconds["export"] = exported - computed
    return seconds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.baseline")
    parser.add_argument("database_url")
    parser.add_argument("claims", type=Path)
    parser.add_argument("--program-year", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    seconds = run(args.database_url, args.claims, year=args.program_year, out=args.out)
    print(json.dumps(seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
