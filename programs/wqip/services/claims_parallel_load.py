# ruff: noqa: S608  (SQL is assembled from this module's constants and generated names)
"""The claims import's load and typed pass, split over several database sessions.

Loading (PostgreSQL's CSV parser) and the typed pass (casts and the "proven valid" flag)
are the two longest single-threaded steps of a large import. For a large file imported
outside any transaction, the file is cut at line ends into one byte range per worker; each
worker thread opens its own session, streams its range into a temporary table with COPY
and writes the typed rows to an UNLOGGED part table (the only kind of table another session
can read). The import's own transaction then reads the parts through a temporary view
``claim_typed`` (file lines restored from the parts' row counts) and goes on exactly as after
a single-session load: the cross-row checks, the merge and the all-or-nothing commit stay
in one transaction.

On a first import (empty claim tables) the workers go further: each writes its part's claim
lines whole, in the shape of ``wqip_claimline`` (a claim line names its claim by its claim id,
so no claim need be looked up), with their keys, and the claims of its part; the import's
transaction checks them and attaches the parts as partitions of ``wqip_claimline``
(claims_import._store_line_parts). A part becomes claim lines only in that transaction, so
the import stays all or nothing.

This is only a fast path for files that need nothing special: as soon as a worker meets
something the single-session path handles with care (a quote, a carriage return, invalid
UTF-8, a NUL byte, a row PostgreSQL refuses or a value it cannot cast), every worker stops,
the parts are dropped and the file is loaded again the usual way, which names every bad row.

Part tables carry a recognisable prefix. The import drops its own parts in its transaction
and, whatever happened, once more from a fresh session afterwards; parts left by a process
that died are swept by the next import (under the import lock, so no import is running).
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time
import uuid
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection

from programs.wqip.services.claims_columns import (
    CLAIM_LEVEL_COLUMNS,
    LINE_VALUE_COLUMNS,
)
from programs.wqip.services.claims_copy import (
    ProgressCallback,
    _has_blank_next_to_separator,
    _line_aligned_chunks,
    _Loaded,
    _tune_session,
    has_end_of_data_line,
)
from programs.wqip.services.claims_typed import _typed_sql
from programs.wqip.services.partitions import create_table_as

logger = logging.getLogger(__name__)

PART_PREFIX = "claim_import_part_"
# claim_typed's columns, in _typed_sql's order
TYPED_COLUMNS = ("line", "claim_id", "line_no", *CLAIM_LEVEL_COLUMNS, *LINE_VALUE_COLUMNS, "ok")


class _NotForParallel(Exception):
    """The file needs the single-session path (or another worker stopped)."""


@dataclass
class _LineBlock:
    """A first import's workers write the claim lines whole (their part of the file), with ids
    from one block of the sequence: once every worker has loaded its range (the barrier),
    each knows the file line of its first row, and the first worker past the barrier reserves
    the block for all the rows."""

    workers: int
    counts: dict[int, int] = field(default_factory=dict)
    first_id: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    barrier: threading.Barrier = field(init=False)

    def __post_init__(self) -> None:
        self.barrier = threading.Barrier(self.workers)

    def rows_before(self, part: int) -> int:
        return sum(rows for index, rows in self.counts.items() if index < part)

    def reserve(self, cursor) -> int:  # type: ignore[no-untyped-def]
        with self.lock:
            if self.first_id is None:
                total = max(sum(self.counts.values()), 1)
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('wqip_claimline', 'id'), "
                    "nextval(pg_get_serial_sequence('wqip_claimline', 'id')) + %s - 1)",
                    [total],
                )
                self.first_id = cursor.fetchone()[0] - total + 1
            return self.first_id


@dataclass(frozen=True)
class LinePart:
    """A worker's claim lines (a table shaped as wqip_claimline, ids ``low`` to ``high`` - 1,
    primary key and unique key built, every row proven valid) and the claims of its rows
    (``claims``: claim-level values, first and last file line)."""

    table: str
    claims: str
    low: int
    high: int


def _claims_table(table: str) -> str:
    """The table of a first import's part that holds the claims of its rows."""
    return f"{table}_claims"


def workers_for(path: Path) -> int:
    """How many sessions load the file: 0 (single-session path) unless the file is large,
    the machine has several cores and no transaction is open (the workers' sessions see only
    committed facilities, and their part tables must be dropped after the import's commit)."""
    workers = settings.WQIP_CLAIMS_LOAD_WORKERS
    if workers is None:
        workers = min(os.cpu_count() or 1, 4)
    if (
        workers < 2
        or connection.in_atomic_block
        or not connection.get_autocommit()
        or connection.settings_dict["OPTIONS"].get("assume_role")  # workers log in as themselves
    ):
        return 0
    try:
        size = path.stat().st_size
    except OSError:
        return 0  # the single-session path reports the unreadable file
    return workers if size >= settings.WQIP_CLAIMS_PARALLEL_MIN_BYTES else 0


def _byte_ranges(path: Path, first: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` ranges of about equal size from byte ``first``, each ending after a line feed
    (or at the end of the file)."""
    size = path.stat().st_size
    bounds = [first]
    with open(path, "rb") as handle:
        for part in range(1, parts):
            target = first + (size - first) * part // parts
            if target <= bounds[-1]:
                continue
            handle.seek(target - 1)
            handle.readline()  # to just after the line feed at or after target - 1
            if bounds[-1] < handle.tell() < size:
                bounds.append(handle.tell())
    bounds.append(size)
    return list(itertools.pairwise(bounds))


def _checked(chunk: bytes) -> bytes:
    if b'"' in chunk or b"\r" in chunk or b"\x00" in chunk:
        raise _NotForParallel("quotes, carriage returns or NUL bytes")
    if has_end_of_data_line(chunk):
        raise _NotForParallel("a line holds only COPY's end-of-data marker")
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _NotForParallel("invalid UTF-8") from exc
    return chunk


class _Worker:
    """One session: COPY of a byte range, then the typed pass into an UNLOGGED part table, or,
    on a first import (``lines``), the part's claim lines and claims (_write_lines)."""

    def __init__(
        self,
        *,
        path: Path,
        columns: list[str],
        params: dict,
        stop: threading.Event,
        lines: _LineBlock | None = None,
    ):
        self.path = path
        self.columns = columns
        self.params = params
        self.stop = stop
        self.lines = lines
        self.bytes_done = 0
        self.conn: psycopg.Connection | None = None
        self.part: LinePart | None = None

    def cancel(self) -> None:
        """Cancel the statement this worker's session runs (another worker failed)."""
        conn = self.conn
        if conn is None or conn.closed:
            return
        try:
            conn.cancel_safe(timeout=5)
        except psycopg.Error:  # closed meanwhile: nothing to cancel
            logger.debug("claims load: nothing to cancel", exc_info=True)

    def run(self, table: str, start: int, end: int, index: int = 0) -> int:
        ncols = len(self.columns)
        names = ", ".join(f"c{i}" for i in range(ncols))
        cols = ", ".join(f"c{i} text" for i in range(ncols))
        needs_trim = False
        with psycopg.connect(**self.params) as conn, conn.cursor() as cursor:
            self.conn = conn
            _tune_session(cursor)
            cursor.execute(
                "CREATE TEMP TABLE claim_staging "
                f"(line bigint GENERATED BY DEFAULT AS IDENTITY (START 1), {cols}) ON COMMIT DROP"
            )
            copy_sql = (
                f"COPY claim_staging ({names}) FROM STDIN (FORMAT csv, FORCE_NOT_NULL ({names}))"
            )
            with open(self.path, "rb") as handle, cursor.copy(copy_sql) as copy:
                handle.seek(start)
                for chunk in _line_aligned_chunks(handle, end):
                    if self.stop.is_set():
                        raise _NotForParallel("another worker stopped")
                    copy.write(_checked(chunk))
                    needs_trim = needs_trim or _has_blank_next_to_separator(chunk)
                    self.bytes_done += len(chunk)
            rows = cursor.rowcount  # the rows COPY loaded (its command tag)
            if self.stop.is_set():
                raise _NotForParallel("another worker stopped")
            if self.lines is not None:
                self._write_lines(cursor, table, index, rows, needs_trim)
                return rows  # the with block committed: the part is visible to the import
            target = f"CREATE UNLOGGED TABLE {table}"
            cursor.execute(_typed_sql(self.columns, trim=needs_trim, target=target))
            # statistics of the column the import's session groups and joins on (the view
            # is planned from them; all columns would take ≈3 times longer)
            cursor.execute(f"ANALYZE {table} (claim_id)")
        return rows  # the with block committed: the part is visible to the import's session

    def _write_lines(self, cursor, table: str, index: int, rows: int, needs_trim: bool) -> None:  # type: ignore[no-untyped-def]
        """A first import: this part's claim lines as wqip_claimline stores them, the claims of
        the part, and the lines' keys."""
        lines = self.lines
        assert lines is not None  # only called for a first import
        lines.counts[index] = rows
        lines.barrier.wait()  # BrokenBarrierError when another worker failed
        before = lines.rows_before(index)
        first_id = lines.reserve(cursor)
        low, high = first_id + before, first_id + before + rows
        # the lines, written whole (CREATE TABLE AS); a row the typed pass could not prove
        # valid is left out, and then the single-session path names it. The file's first data
        # row is line 2, so this part's row r is line before + 1 + r.
        typed = _typed_sql(self.columns, trim=needs_trim, target="", line_offset=before + 1)
        line_columns = ["id", "claim_id", "line_no", *LINE_VALUE_COLUMNS]
        written = create_table_as(
            cursor,
            parent="wqip_claimline",
            name=table,
            columns=line_columns,
            select=f"SELECT {first_id - 2} + line, {', '.join(line_columns[1:])} "
            f"FROM ({typed}) t WHERE ok",
            # the bound as a constraint: attaching the table then scans nothing
            bound=f"id >= {low} AND id < {high}",
        )
        if written != rows:
            raise _NotForParallel("a row needs the detailed checks")
        if self.stop.is_set():
            raise _NotForParallel("another worker stopped")
        claims = _claims_table(table)
        # the claims of the part, from the staged text: every row was proven valid, so its
        # claim-level values are as the typed pass read them (dates in ISO form)
        value = {
            name: (
                f"btrim(c{self.columns.index(name)})"
                if needs_trim
                else f"c{self.columns.index(name)}"
            )
            for name in ("claim_id", *CLAIM_LEVEL_COLUMNS)
        }
        cursor.execute(
            f"""
            CREATE UNLOGGED TABLE {claims} AS
            SELECT claim_id, frequency_code, original_claim_id,
                   adjudicated_date::date AS adjudicated_date,
                   received_date::date AS received_date,
                   first_line + {before + 1} AS first_line, last_line + {before + 1} AS last_line
            FROM (
                SELECT {", ".join(f"{expr} AS {name}" for name, expr in value.items())},
                       min(line) AS first_line, max(line) AS last_line
                FROM claim_staging GROUP BY 1, 2, 3, 4, 5
            ) c
            """
        )
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        # a key twice in this part raises UniqueViolation: the single-session path names it
        cursor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY (id), "
            f"ADD CONSTRAINT {table}_key UNIQUE (claim_id, line_no)"
        )
        # statistics of the column the import's session joins the parts' claims on: without
        # them the join that finds claims in several parts takes 0.6 s instead of 0.13 at 1M
        cursor.execute(f"ANALYZE {claims} (claim_id)")
        self.part = LinePart(table=table, claims=claims, low=low, high=high)


def claim_versions_of_parts(cursor, parts: list[LinePart]) -> None:  # type: ignore[no-untyped-def]
    """claim_versions from the parts' claims (each part has a row per claim version of its
    rows). Only a claim with lines in several parts needs its rows merged (few: one at a
    boundary when the file keeps a claim's lines together); every other row is taken as it is,
    so the merge groups a handful of rows instead of every claim (1M lines: 0.72 → 0.14 + 0.22 s).
    ``straddles``: the claim version has lines in several parts."""
    columns = ", ".join(CLAIM_LEVEL_COLUMNS)
    pairs = " UNION ".join(
        f"SELECT a.claim_id FROM {one.claims} a JOIN {other.claims} b ON b.claim_id = a.claim_id"
        for one, other in itertools.combinations(parts, 2)
    )
    cursor.execute(
        "CREATE TEMP TABLE claim_straddling ON COMMIT DROP AS "
        + (pairs or "SELECT ''::text AS claim_id WHERE false")
    )
    alone = " UNION ALL ".join(
        f"SELECT claim_id, {columns}, first_line, last_line, false AS straddles "
        f"FROM {part.claims} c "
        "WHERE NOT EXISTS (SELECT 1 FROM claim_straddling s WHERE s.claim_id = c.claim_id)"
        for part in parts
    )
    shared = " UNION ALL ".join(
        f"SELECT claim_id, {columns}, first_line, last_line FROM {part.claims} c "
        "WHERE EXISTS (SELECT 1 FROM claim_straddling s WHERE s.claim_id = c.claim_id)"
        for part in parts
    )
    cursor.execute(
        f"""
        CREATE TEMP TABLE claim_versions ON COMMIT DROP AS
        {alone}
        UNION ALL
        SELECT claim_id, {columns}, min(first_line), max(last_line), count(*) > 1
        FROM ({shared}) c GROUP BY claim_id, {columns}
        """
    )
    # statistics of the columns the checks and the claim insert filter and join on (the insert
    # is planned badly without: 1.26 s instead of 0.7 at 1M)
    cursor.execute("ANALYZE claim_versions (claim_id, original_claim_id, straddles)")


def sweep_stale_parts(cursor) -> None:  # type: ignore[no-untyped-def]
    """Drop parts that a dead process left (the caller holds the import lock)."""
    cursor.execute(
        "SELECT quote_ident(tablename) FROM pg_tables "
        "WHERE schemaname = current_schema() AND starts_with(tablename, %s)",
        [PART_PREFIX],
    )
    for (name,) in cursor.fetchall():
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


def load_typed(
    cursor,  # type: ignore[no-untyped-def]
    *,
    path: Path,
    columns: list[str],
    data_start: int,
    workers: int,
    progress: ProgressCallback | None,
    part_tables: list[str],
    first_import: bool = False,
) -> _Loaded | None:
    """Create ``claim_typed`` from ``workers`` sessions (the data rows start at byte
    ``data_start``, after the header); None when the file needs the single-session path
    (its parts are dropped in this transaction then). On a ``first_import`` the workers
    write the claim lines themselves: no ``claim_typed``, the result's ``line_parts`` are
    the tables the import attaches (claims_import._store_line_parts)."""
    # the parts are committed by other sessions: this transaction must see later commits
    # (READ COMMITTED) and the workers must be allowed to create tables
    cursor.execute(
        "SELECT current_setting('transaction_isolation') = 'read committed' "
        "AND has_schema_privilege(current_schema(), 'CREATE')"
    )
    if not cursor.fetchone()[0]:
        logger.info("claims %s: parallel load not used (isolation or privileges)", path.name)
        return None
    started = time.perf_counter()
    ranges = _byte_ranges(path, data_start, workers)
    token = uuid.uuid4().hex[:12]
    tables = [f"{PART_PREFIX}{token}_{i}" for i in range(len(ranges))]
    part_tables.extend(tables)
    stop = threading.Event()
    params = connection.get_connection_params()
    lines = _LineBlock(workers=len(ranges)) if first_import else None
    workers_by_part = [
        _Worker(path=path, columns=columns, params=params, stop=stop, lines=lines) for _ in ranges
    ]
    if lines is not None:
        part_tables.extend(_claims_table(table) for table in tables)
    total_bytes = max(ranges[-1][1] - data_start, 1)
    with ThreadPoolExecutor(max_workers=len(ranges), thread_name_prefix="claims-load") as pool:
        futures: list[Future[int]] = [
            pool.submit(w.run, table, start, end, index)
            for index, (w, table, (start, end)) in enumerate(
                zip(workers_by_part, tables, ranges, strict=True)
            )
        ]
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.5, return_when=FIRST_EXCEPTION)
            if any(f.exception() for f in done) and not stop.is_set():
                stop.set()  # the others stop at their next chunk, or now if in a statement
                if lines is not None:
                    lines.barrier.abort()  # the others may wait for this one there
                for worker in workers_by_part:
                    worker.cancel()
            if progress:
                progress(
                    "loading", min(sum(w.bytes_done for w in workers_by_part) / total_bytes, 1.0)
                )
    failures = [f.exception() for f in futures if f.exception()]
    if failures:
        logger.info("claims %s: parallel load not used (%r)", path.name, failures[0])
        drop_tables(cursor, part_tables)
        return None
    counts = [f.result() for f in futures]
    if lines is not None:
        logger.info(
            "claims %s: loaded by %d sessions in %.1f s, the claim lines written there",
            path.name,
            len(tables),
            time.perf_counter() - started,
        )
        parts = [w.part for w in workers_by_part if w.part is not None]
        return _Loaded(
            rows=sum(counts), line_numbers_exact=True, needs_trim=False, line_parts=parts
        )
    selects = []
    offset = 1  # file line = the part's row number + the lines before the part
    for table, rows in zip(tables, counts, strict=True):
        picks = ", ".join(f"line + {offset} AS line" if c == "line" else c for c in TYPED_COLUMNS)
        selects.append(f"SELECT {picks} FROM {table}")
        offset += rows
    # a view, not a copy: the parts are read where they are (dropped by drop_typed_view)
    cursor.execute("CREATE TEMP VIEW claim_typed AS " + " UNION ALL ".join(selects))
    logger.info(
        "claims %s: loaded by %d sessions in %.1f s",
        path.name,
        len(tables),
        time.perf_counter() - started,
    )
    return _Loaded(rows=sum(counts), line_numbers_exact=True, needs_trim=False)


def drop_typed_view(cursor, part_tables: list[str]) -> None:  # type: ignore[no-untyped-def]
    """At the end of the import's transaction, after load_typed succeeded: the claim_typed
    view and its parts."""
    cursor.execute("DROP VIEW claim_typed")
    drop_tables(cursor, part_tables)


def drop_tables(cursor, tables: list[str]) -> None:  # type: ignore[no-untyped-def]
    """The work tables in the import's transaction (an attached part has another name by
    then: it stays)."""
    if tables:
        cursor.execute(f"DROP TABLE IF EXISTS {', '.join(tables)}")


def drop_part_tables(tables: list[str]) -> None:
    """Drop the parts from a fresh session (after the import's transaction ended). Waits at
    most a few seconds for a lock: a part that stays is swept by the next import."""
    if not tables:
        return
    try:
        with psycopg.connect(**connection.get_connection_params(), autocommit=True) as conn:
            conn.execute("SET lock_timeout = '5s'")
            conn.execute(f"DROP TABLE IF EXISTS {', '.join(tables)}")
    except psycopg.Error:
        logger.warning("claims import: could not drop the work tables %s", tables, exc_info=True)
