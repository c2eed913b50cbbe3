# ruff: noqa: S608  (SQL is assembled from this module's constants; values go as parameters)
"""Writes for the bed-day result (contract §2): compute, store atomically, export (§5)."""

from __future__ import annotations

import calendar
import csv
import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from portal.audit.services import (
    latest_revision_id,
    record_event,
)
from portal.jobs.kinds import JobKind, Progress
from portal.jobs.models import Job
from portal.jobs.services import enqueue_job
from portal.models import Facility, User
from programs.wqip.models.bed_days import (
    EXCLUSION_REASONS,
    OUTCOMES,
    BedDayComputation,
    BedDaySummary,
)
from programs.wqip.services.bed_days_sql import WorkTables, run_bed_day_sql
from programs.wqip.services.locks import BED_DAYS_LOCK_KEY, CLAIMS_LOCK_KEY
from programs.wqip.services.partitions import create_table_as


class BedDaysNotComputed(Exception):
    """No finished bed-day computation exists for the program year."""


COUNT_COLUMNS = ("qualifying_days", *EXCLUSION_REASONS)


def _count_columns() -> str:
    return ", ".join(COUNT_COLUMNS)


def _sum_by_outcome(alias: str, days: str) -> str:
    return ", ".join(
        f"coalesce(sum({days}) FILTER (WHERE {alias}.outcome = {code}), 0)"
        for code in range(len(OUTCOMES))
    )


def store_sql(t: WorkTables) -> list[str]:
    """The month rows and the summaries, from the pipeline's work tables."""
    return [
        "DELETE FROM wqip_beddaysummary WHERE program_year = %(year)s",
        "DELETE FROM wqip_beddaymonth WHERE program_year = %(year)s",
        # the ranges are within the year: each is split over the months it touches (a series of
        # month numbers; the months' first and last days from two arrays)
        f"""
    INSERT INTO wqip_beddaymonth
        (computation_id, facility_id, program_year, month, {_count_columns()})
    SELECT %(computation)s, m.facility_id, %(year)s, m.month, {_sum_by_outcome("m", "m.days")}
    FROM (
        SELECT r.facility_id, r.outcome, mo.month,
               least(r.last_day, (%(month_ends)s::date[])[mo.month])
               - greatest(r.first_day, (%(month_starts)s::date[])[mo.month]) + 1 AS days
        FROM {t.member_ranges} r,
        LATERAL generate_series(
            extract(month FROM r.first_day)::int, extract(month FROM r.last_day)::int
        ) AS mo (month)
    ) m
    GROUP BY m.facility_id, m.month
    """,
        # a facility's days are the sum of its months' (every facility has a row, zeros if none)
        f"""
    INSERT INTO wqip_beddaysummary
        (computation_id, facility_id, program_year, {_count_columns()},
         latest_qualifying_received_on)
    SELECT %(computation)s, f.id, %(year)s,
           {", ".join(f"coalesce(sum(m.{c}), 0)" for c in COUNT_COLUMNS)},
           q.latest
    FROM (SELECT organisation_ptr_id AS id FROM portal_facility) f
    LEFT JOIN wqip_beddaymonth m
      ON m.facility_id = f.id AND m.computation_id = %(computation)s
    LEFT JOIN (
        SELECT facility_id, max(received_date) AS latest
        FROM {t.segments} WHERE outcome = 0 GROUP BY facility_id
    ) q ON q.facility_id = f.id
    GROUP BY f.id, q.latest
    """,
    ]


@dataclass(frozen=True)
class _RangeTable:
    """A result table partitioned by computation (migration wqip 0005): each computation's rows
    are a table of their own."""

    table: str
    source: str  # the pipeline's work table the rows come from (a ``WorkTables`` property)
    columns: str
    select: str  # the rows from ``{source}``, ``%(first_id)s`` the first id of their block
    index: str  # the model's lookup index, built on each partition (the parent has none)

    @property
    def prefix(self) -> str:
        return f"{self.table}_c"

    def partition(self, computation_id: int) -> str:
        return f"{self.prefix}{int(computation_id)}"


RANGE_TABLES = (
    _RangeTable(
        table="wqip_beddaymemberrange",
        source="member_ranges",
        columns="id, computation_id, facility_id, member_id, outcome, first_day, last_day, days",
        select="""
            SELECT %(first_id)s - 1 + row_number() OVER (ORDER BY facility_id, member_id),
                   %(computation)s, facility_id, member_id, outcome, first_day, last_day, days
            FROM {source}
        """,
        index="(computation_id, facility_id, member_id)",
    ),
    _RangeTable(
        table="wqip_beddaylinerange",
        source="line_ranges",
        columns="id, computation_id, claim_line_id, facility_id, member_id, outcome, first_day, "
        "last_day",
        # rows in facility order: the BRIN index finds a facility's blocks
        select="""
            SELECT %(first_id)s - 1 + row_number() OVER (ORDER BY facility_id),
                   %(computation)s, line_id, facility_id, member_id, outcome, first_day, last_day
            FROM {source}
        """,
        index="USING brin (computation_id, facility_id)",
    ),
)


def _reserve_ids(cursor, *, table: str, count: int) -> int:  # type: ignore[no-untyped-def]
    """First id of a block of ``count`` reserved on ``table``'s sequence with one setval (a
    nextval per row costs more than the insert)."""
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
        "nextval(pg_get_serial_sequence(%s, 'id')) + %s)",
        [table, table, max(count - 1, 0)],
    )
    return cursor.fetchone()[0] - max(count - 1, 0)


def _write_range_partitions(  # type: ignore[no-untyped-def]
    cursor, *, computation_id: int, tables: WorkTables, rows: dict[str, int]
) -> None:
    """The computation's member and line ranges, each into a new table shaped as its parent,
    indexed once after the load; not attached yet, so nobody waits for them. ``rows``: the
    rows of each work table, as the pipeline wrote them."""
    for spec in RANGE_TABLES:
        part = spec.partition(computation_id)
        source = getattr(tables, spec.source)
        first_id = _reserve_ids(cursor, table=spec.table, count=rows[source])
        create_table_as(
            cursor,
            parent=spec.table,
            name=part,
            columns=spec.columns.split(", "),
            select=spec.select.format(source=source),
            params={"first_id": first_id, "computation": computation_id},
            # the partition's bound: attaching it (under the parent's lock) scans nothing
            bound=f"computation_id = {int(computation_id)}",
        )
        cursor.execute(f"ALTER TABLE {part} ADD PRIMARY KEY (id)")
        cursor.execute(f"CREATE INDEX ON {part} {spec.index}")


def _swap_range_partitions(cursor, *, computation_id: int, program_year: int) -> None:  # type: ignore[no-untyped-def]
    """Last step before the commit (the locks taken here are held until then, a moment): the
    rows of the year's earlier computations go (rows written otherwise, in the default
    partition, are deleted), every partition that is no year's current result is dropped
    whole (an earlier computation of this year, or one whose row was removed), and this
    computation's partitions are attached.

    The parents are locked first, as readers lock them (parent, then partitions): dropping a
    partition before would lock it, then its parent, and could deadlock with a reader."""
    cursor.execute(
        "LOCK TABLE " + ", ".join(spec.table for spec in RANGE_TABLES) + " IN ACCESS EXCLUSIVE MODE"
    )
    cursor.execute(
        "SELECT DISTINCT computation_id FROM wqip_beddaysummary WHERE program_year <> %s",
        [program_year],
    )
    keep = {row[0] for row in cursor.fetchall()}
    cursor.execute(
        "SELECT id FROM wqip_beddaycomputation WHERE program_year = %s AND id <> %s",
        [program_year, computation_id],
    )
    earlier = [row[0] for row in cursor.fetchall()]
    for spec in RANGE_TABLES:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [spec.table],
        )
        for (name,) in cursor.fetchall():
            number = name.removeprefix(spec.prefix)
            if name.startswith(spec.prefix) and number.isdigit() and int(number) not in keep:
                cursor.execute(f"DROP TABLE {name}")
        if earlier:
            cursor.execute(f"DELETE FROM {spec.table} WHERE computation_id = ANY(%s)", [earlier])
        cursor.execute(
            f"ALTER TABLE {spec.table} ATTACH PARTITION {spec.partition(computation_id)} "
            f"FOR VALUES IN ({int(computation_id)})"
        )


def start_bed_day_computation(*, program_year: int, actor: User | None = None) -> BedDayComputation:
    """The RUNNING row a UI can show while the work is queued."""
    return BedDayComputation.objects.create(
        program_year=program_year,
        started_by=actor if actor is not None and actor.pk else None,
        count_leave_days=settings.WQIP_COUNT_LEAVE_DAYS,
    )


def compute_bed_days(
    *,
    program_year: int,
    actor: User | None = None,
    computation_id: int | None = None,
    progress: Progress | None = None,
) -> BedDayComputation:
    """Compute and store the program year's bed days; replaces the previous result in one
    transaction. Safe to call twice for the same computation (a finished one is returned)."""
    if computation_id is None:
        computation = start_bed_day_computation(program_year=program_year, actor=actor)
    else:
        computation = BedDayComputation.objects.get(pk=computation_id)
        if computation.status == BedDayComputation.Status.FINISHED:
            return computation
    try:
        return _compute_and_store(computation=computation, actor=actor, progress=progress)
    except Exception as exc:
        BedDayComputation.objects.filter(pk=computation.pk).update(
            status=BedDayComputation.Status.FAILED, finished_at=timezone.now(), error=str(exc)
        )
        raise


@transaction.atomic
def _compute_and_store(
    *, computation: BedDayComputation, actor: User | None, progress: Progress | None = None
) -> BedDayComputation:
    year = computation.program_year
    with connection.cursor() as cursor:
        # claims import holds this lock exclusively: we read a whole import or none of it
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [CLAIMS_LOCK_KEY])
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [BED_DAYS_LOCK_KEY, year])
        computation = BedDayComputation.objects.select_for_update().get(pk=computation.pk)
        if computation.status == BedDayComputation.Status.FINISHED:
            return computation
        revision_id = latest_revision_id(program_year=year)
        if progress:
            progress("computing", 0.0)
        tables = WorkTables.of(computation.pk)
        rows = run_bed_day_sql(
            cursor.cursor,
            tables=tables,
            year=year,
            count_leave_days=computation.count_leave_days,
        )
        if progress:
            progress("storing", 0.0)
        _write_range_partitions(cursor, computation_id=computation.pk, tables=tables, rows=rows)
        params: dict[str, Any] = {
            "year": year,
            "computation": computation.pk,
            "month_starts": [datetime.date(year, month, 1) for month in range(1, 13)],
            "month_ends": [
                datetime.date(year, month, calendar.monthrange(year, month)[1])
                for month in range(1, 13)
            ],
        }
        statements = store_sql(tables)
        for done, statement in enumerate(statements, start=1):
            if progress:
                progress("storing", done / (len(statements) + 1))
            cursor.execute(statement, params)
        _swap_range_partitions(cursor, computation_id=computation.pk, program_year=year)
        cursor.execute(f"DROP TABLE {', '.join(tables.all)}")
    computation.status = BedDayComputation.Status.FINISHED
    computation.finished_at = timezone.now()
    computation.revision_id = revision_id
    computation.error = ""
    computation.save(update_fields=["status", "finished_at", "revision_id", "error"])
    totals = BedDaySummary.objects.filter(computation=computation)
    qualifying = sum(totals.values_list("qualifying_days", flat=True))
    record_event(
        actor=actor,
        action="bed_days.computed",
        target=computation,
        data={"program_year": year, "qualifying_days": qualifying, "revision_id": revision_id},
    )
    return computation


def current_computation(*, program_year: int) -> BedDayComputation | None:
    summary = (
        BedDaySummary.objects.filter(program_year=program_year)
        .select_related("computation")
        .first()
    )
    return summary.computation if summary else None


def export_bed_days(*, program_year: int, out: Path | str, by_reason: bool = False) -> int:
    """Contract §5 `export_bed_days`: every registry facility, sorted by NPI, LF, UTF-8."""
    if not BedDaySummary.objects.filter(program_year=program_year).exists():
        raise BedDaysNotComputed(
            f"no bed days computed for {program_year}: run compute_bed_days first"
        )
    summaries = {s.facility_id: s for s in BedDaySummary.objects.filter(program_year=program_year)}
    facilities = Facility.objects.order_by("npi").only("id", "npi")
    rows = 0
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        if by_reason:
            writer.writerow(["facility_npi", "program_year", "reason", "days"])
        else:
            writer.writerow(["facility_npi", "program_year", "qualifying_bed_days"])
        for facility in facilities:
            summary = summaries.get(facility.pk)
            if not by_reason:
                days = summary.qualifying_days if summary else 0
                writer.writerow([facility.npi, program_year, days])
                rows += 1
                continue
            if summary is None:
                continue
            counts = [summary.qualifying_days] + [getattr(summary, r) for r in EXCLUSION_REASONS]
            for reason, days in zip(OUTCOMES, counts, strict=True):
                if days > 0:
                    writer.writerow([facility.npi, program_year, reason, days])
                    rows += 1
    return rows


@transaction.atomic
def queue_bed_day_computation(*, program_year: int, actor: User) -> BedDayComputation:
    """The web path: a RUNNING computation row now, the work in a job (portal.jobs)."""
    computation = start_bed_day_computation(program_year=program_year, actor=actor)
    record_event(actor=actor, action="bed_days.queued", target=computation)
    computation.job = enqueue_job(
        kind=BED_DAYS_JOB,
        target=computation,
        started_by=actor,
        label=f"Bed days {program_year}",
    )
    computation.save(update_fields=["job"])
    return computation


# --- the job kind (declared by WqipConfig.job_kinds) ----------------------------------------

BED_DAYS_JOB = "wqip.bed_days"


def _run_bed_days_job(job: Job, progress: Progress) -> str:
    computation = BedDayComputation.objects.get(pk=job.target_id)
    computation = compute_bed_days(
        program_year=computation.program_year,
        actor=computation.started_by,
        computation_id=computation.pk,
        progress=progress,
    )
    return f"bed days of {computation.program_year} computed"


def _bed_days_failed(job: Job) -> None:
    BedDayComputation.objects.filter(pk=job.target_id).exclude(
        status=BedDayComputation.Status.FINISHED
    ).update(status=BedDayComputation.Status.FAILED, finished_at=timezone.now(), error=job.error)


def _bed_days_retried(job: Job) -> None:
    BedDayComputation.objects.filter(pk=job.target_id).exclude(
        status=BedDayComputation.Status.FINISHED
    ).update(status=BedDayComputation.Status.RUNNING, finished_at=None, error="")


def _bed_days_url(job: Job) -> str:
    computation = BedDayComputation.objects.filter(pk=job.target_id).first()
    year = f"?year={computation.program_year}" if computation else ""
    return reverse("wqip:bed_day_report") + year


BED_DAYS_JOB_KIND = JobKind(
    key=BED_DAYS_JOB,
    label="Bed-day computation",
    run=_run_bed_days_job,
    target_url=_bed_days_url,
    on_failed=_bed_days_failed,
    on_retry=_bed_days_retried,
)
