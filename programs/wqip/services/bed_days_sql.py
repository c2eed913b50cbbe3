# ruff: noqa: S608  (SQL is assembled from this module's constants; values go as parameters)
"""The production bed-day pipeline (contract §2): the rules of ``programs.wqip.engine.bed_days``
as set-based SQL over the claim tables, days kept as date ranges (never one row per day).

``run_bed_day_sql`` leaves its result in the work tables of one computation (``WorkTables``:
segments, member ranges, line ranges) that ``services.bed_days`` stores. The tests check it
against the engine's ``compute_days`` on generated data.
"""

from __future__ import annotations

import datetime
from dataclasses import astuple, dataclass

from programs.wqip.engine.bed_days import (
    DISCHARGE_DAY,
    FACILITY_INELIGIBLE,
    FEE_FOR_SERVICE,
    HOSPICE,
    LEAVE_DAY,
    MEDI_CAL_NOT_PRIMARY,
    NOT_PAID,
    OUT_OF_NETWORK,
    QUALIFYING,
)

LINE_REASON_SQL = f"""
CASE WHEN NOT f.is_wqip_eligible THEN {FACILITY_INELIGIBLE}
     WHEN l.claim_status <> 'PAID' THEN {NOT_PAID}
     WHEN l.revenue_code IN ('0180', '0185') AND NOT %(count_leave_days)s THEN {LEAVE_DAY}
     WHEN l.primary_payer <> 'MEDI_CAL' THEN {MEDI_CAL_NOT_PRIMARY}
     WHEN l.coverage = 'FFS' THEN {FEE_FOR_SERVICE}
     WHEN l.hospice = 'Y' THEN {HOSPICE}
     WHEN l.network_status = 'OUT' THEN {OUT_OF_NETWORK}
     ELSE {QUALIFYING} END
"""


@dataclass(frozen=True)
class WorkTables:
    """The work tables of one computation's transaction.

    The fork winners and the outcome days are temporary tables. The four that later
    statements scan again are UNLOGGED tables created inside the transaction: PostgreSQL's
    parallel workers can read them (a temporary table lives in its session's own memory), so
    the segments' join of every claim line and the line ranges' join run on two cores (1M
    lines: 0.9 → 0.7 s and 0.4 → 0.27 s; docs/benchmarks.md). The fork winners stay temporary:
    with them unlogged the planner picks a parallel plan for the recursive family walk that is
    slower (0.5 → 0.8 s); the outcome days unlogged made no difference.

    Nobody else sees the unlogged ones: they are created and dropped by the one transaction
    (a rollback removes them too). They carry the computation's id, so computations of two
    years never wait on a table name."""

    winner: str
    effective: str
    segments: str
    outcome_days: str
    member_ranges: str
    line_ranges: str

    @classmethod
    def of(cls, computation_id: int) -> WorkTables:
        number = int(computation_id)
        return cls(
            winner="bd_winner",
            effective=f"bd_effective_{number}",
            segments=f"bd_segments_{number}",
            outcome_days="bd_outcome_days",
            member_ranges=f"bd_member_ranges_{number}",
            line_ranges=f"bd_line_ranges_{number}",
        )

    @property
    def all(self) -> tuple[str, ...]:
        return astuple(self)


def pipeline_sql(t: WorkTables) -> list[str]:
    """The statements in order; each ``CREATE ... AS`` writes the table named first in it."""
    return [
        # §2.1 at each fork the winner: later adjudicated_date, then greater claim_id as text
        f"""
        CREATE TEMP TABLE {t.winner} ON COMMIT DROP AS
        SELECT DISTINCT ON (replaces_id) replaces_id AS parent_id, id AS child_id,
               claim_id AS child_claim_id, frequency_code AS child_frequency_code,
               received_date AS child_received_date
        FROM wqip_claim
        WHERE replaces_id IS NOT NULL
        ORDER BY replaces_id, adjudicated_date DESC, claim_id COLLATE "C" DESC
        """,
        f"CREATE INDEX ON {t.winner} (parent_id)",
        f"ANALYZE {t.winner}",
        # walk down from each original along the winners; the end of the walk is effective
        # unless it is a void. Only originals that were replaced need the walk (which carries
        # what the end needs, so no second look-up); the others are their own end.
        f"""
        CREATE UNLOGGED TABLE {t.effective} AS
        WITH RECURSIVE walk (id, claim_id, frequency_code, received_date, depth) AS (
            SELECT w.parent_id, c.claim_id, c.frequency_code, c.received_date, 0
            FROM {t.winner} w JOIN wqip_claim c ON c.id = w.parent_id
            WHERE c.replaces_id IS NULL
            UNION ALL
            SELECT w.child_id, w.child_claim_id, w.child_frequency_code, w.child_received_date,
                   walk.depth + 1
            FROM walk JOIN {t.winner} w ON w.parent_id = walk.id
            WHERE walk.depth < 10000
        )
        SELECT c.claim_id, c.received_date
        FROM wqip_claim c
        WHERE c.replaces_id IS NULL AND c.frequency_code <> '8'
          AND NOT EXISTS (SELECT 1 FROM {t.winner} w WHERE w.parent_id = c.id)
        UNION ALL
        SELECT walk.claim_id, walk.received_date
        FROM walk
        WHERE walk.frequency_code <> '8'
          AND NOT EXISTS (SELECT 1 FROM {t.winner} w WHERE w.parent_id = walk.id)
        """,
        f"ANALYZE {t.effective}",
        # §2.2-2.4 bed-day lines of effective claims as day ranges with the line's own outcome;
        # a line that qualifies and has its discharge day inside gives that day discharge_day.
        # The lines are read once (materialised) and twice scanned: cheaper than a LATERAL
        # pair of rows for each line (1M lines: 0.85-0.99 → 0.72-0.80 s)
        f"""
        CREATE UNLOGGED TABLE {t.segments} AS
        WITH bed_day_lines AS MATERIALIZED (
            SELECT l.id AS line_id, l.facility_id, l.member_id, e.received_date,
                   l.from_date,
                   CASE WHEN l.discharge_date BETWEEN l.from_date AND l.through_date
                        THEN l.discharge_date ELSE l.through_date END AS last_day,
                   coalesce(l.discharge_date BETWEEN l.from_date AND l.through_date
                            AND l.discharge_date <> l.admission_date, false) AS has_discharge_day,
                   {LINE_REASON_SQL} AS reason
            FROM wqip_claimline l
            JOIN {t.effective} e ON e.claim_id = l.claim_id
            JOIN portal_facility f ON f.organisation_ptr_id = l.facility_id
            WHERE l.revenue_code IN ('0101', '0190', '0180', '0185')
              AND l.from_date <= %(year_end)s AND l.through_date >= %(year_start)s
        ),
        parts AS (
            SELECT b.line_id, b.facility_id, b.member_id, b.received_date, b.reason AS outcome,
                   b.from_date AS first_day,
                   CASE WHEN b.reason = {QUALIFYING} AND b.has_discharge_day
                        THEN b.last_day - 1 ELSE b.last_day END AS last_day
            FROM bed_day_lines b
            UNION ALL
            SELECT b.line_id, b.facility_id, b.member_id, b.received_date, {DISCHARGE_DAY},
                   b.last_day, b.last_day
            FROM bed_day_lines b
            WHERE b.reason = {QUALIFYING} AND b.has_discharge_day
        )
        SELECT line_id, facility_id, member_id, received_date, outcome,
               greatest(first_day, %(year_start)s::date) AS first_day,
               least(last_day, %(year_end)s::date) AS last_day
        FROM parts
        WHERE greatest(first_day, %(year_start)s::date) <= least(last_day, %(year_end)s::date)
        """,
        f"ANALYZE {t.segments}",
        # §2.5 one member, one facility, one day: the best outcome of any line wins; the days of
        # an outcome are its ranges minus the ranges of every better outcome
        f"""
        CREATE TEMP TABLE {t.outcome_days} ON COMMIT DROP AS
        WITH per_outcome AS (
            SELECT facility_id, member_id, outcome,
                   range_agg(daterange(first_day, last_day, '[]')) AS days
            FROM {t.segments}
            GROUP BY facility_id, member_id, outcome
        ),
        with_better AS (
            SELECT facility_id, member_id, outcome, days,
                   range_agg(days) OVER (
                       PARTITION BY facility_id, member_id ORDER BY outcome
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                   ) AS better
            FROM per_outcome
        )
        SELECT facility_id, member_id, outcome,
               CASE WHEN better IS NULL THEN days ELSE days - better END AS days
        FROM with_better
        """,
        f"""
        CREATE UNLOGGED TABLE {t.member_ranges} AS
        SELECT o.facility_id, o.member_id, o.outcome, lower(r) AS first_day,
               upper(r) - 1 AS last_day, upper(r) - lower(r) AS days
        FROM {t.outcome_days} o, LATERAL unnest(o.days) AS r
        """,
        # provenance: the part of each line segment that gave its days their final outcome (the
        # member's final ranges of one outcome are disjoint, so plain range overlap is enough)
        f"""
        CREATE UNLOGGED TABLE {t.line_ranges} AS
        SELECT s.line_id, s.facility_id, s.member_id, s.outcome,
               greatest(s.first_day, m.first_day) AS first_day,
               least(s.last_day, m.last_day) AS last_day
        FROM {t.segments} s
        JOIN {t.member_ranges} m
          ON m.facility_id = s.facility_id AND m.member_id = s.member_id
         AND m.outcome = s.outcome AND m.first_day <= s.last_day AND m.last_day >= s.first_day
        """,
    ]


def run_bed_day_sql(  # type: ignore[no-untyped-def]
    cursor, *, tables: WorkTables, year: int, count_leave_days: bool
) -> dict[str, int]:
    """Run the pipeline on ``cursor`` (inside the caller's transaction, which drops the work
    tables before it commits). Returns the rows written into each table."""
    cursor.execute("SET LOCAL jit = off")
    # 512MB: the per-outcome range aggregation of 5M lines spills ≈100 MB at 256MB
    cursor.execute("SET LOCAL work_mem = '512MB'")
    cursor.execute(f"DROP TABLE IF EXISTS {', '.join(tables.all)}")
    # literals, not bind parameters: CREATE TABLE AS takes none (values are a date and a bool)
    values = {
        "%(year_start)s": f"'{datetime.date(year, 1, 1).isoformat()}'::date",
        "%(year_end)s": f"'{datetime.date(year, 12, 31).isoformat()}'::date",
        "%(count_leave_days)s": "true" if count_leave_days else "false",
    }
    rows = {}
    for statement in pipeline_sql(tables):
        for placeholder, literal in values.items():
            statement = statement.replace(placeholder, literal)
        cursor.execute(statement)
        table = _created_table(statement)
        if table:
            rows[table] = cursor.rowcount
    return rows


def _created_table(statement: str) -> str | None:
    """The table a ``CREATE [TEMP | UNLOGGED] TABLE name AS`` statement writes (else None)."""
    words = statement.split()
    if words[0] != "CREATE" or "TABLE" not in words[1:3]:
        return None
    return words[words.index("TABLE") + 1]
