# ruff: noqa: S608  (SQL is assembled from this module's constants; values go as parameters)
"""Writes for claims.csv (contract §1): streaming COPY into a staging table, set-based
validation in SQL, then one transaction into the claim tables. All or nothing per file.

The file goes to PostgreSQL in large chunks (PostgreSQL parses the CSV). When PostgreSQL
refuses the stream (ragged rows, blank lines...), or when errors must be reported and the
file has quoted values (a quoted value may hold a line break, so record number and file line
could differ), the file is read again with Python's csv module, row by row, so every error
names the right line. Either way the same SQL validates and merges.

Modules: claims_columns (the contract's columns), claims_copy (the file into the staging
table), claims_typed (the fast typed pass), claims_validation (every bad row named),
claims_parallel_load (the load and typed pass over several sessions) and this one (the
import's transaction, the merge into the claim tables, the web path).
"""

from __future__ import annotations

import itertools
import logging
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import psycopg
from django.db import InterfaceError, OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from portal.audit.services import (
    record_event,
    record_revision,
)
from portal.files.csvio import (
    CsvImportError,
    RowError,
)
from portal.files.storage import local_file
from portal.jobs.kinds import JobKind, JobRefused, Progress
from portal.jobs.models import Job
from portal.jobs.services import enqueue_job
from portal.models import User
from programs.wqip.models.claims import ClaimImport
from programs.wqip.services import claims_parallel_load
from programs.wqip.services.claims_columns import CLAIM_LEVEL_COLUMNS, LINE_VALUE_COLUMNS
from programs.wqip.services.claims_copy import (
    ProgressCallback,
    _load,
    _Loaded,
    _read_header,
    _tune_session,
)
from programs.wqip.services.claims_parallel_load import LinePart
from programs.wqip.services.claims_typed import (
    _check_typed,
    _ensure_typed,
    _fast_check,
)
from programs.wqip.services.claims_validation import _detailed_validation
from programs.wqip.services.locks import CLAIMS_LOCK_KEY

logger = logging.getLogger(__name__)


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


# the unique indexes of the claim tables, as their migrations create them: (table, constraint,
# definition). Dropped and built again after the load when the import starts from empty tables.
# Claim lines are partitioned (wqip 0006): the lines a later import or the ORM writes are in the
# default partition; a first import loaded in parallel attaches partitions of its own
# (_store_line_parts).
CLAIM_INDEXES = (
    ("wqip_claim", "wqip_claim_pkey", "PRIMARY KEY (id)"),
    ("wqip_claim", "uniq_claim_id", "UNIQUE (claim_id)"),
)
CLAIM_LINE_INDEXES = (
    ("wqip_claimline_default", "wqip_claimline_default_pkey", "PRIMARY KEY (id)"),
    ("wqip_claimline_default", "uniq_claim_line_default", "UNIQUE (claim_id, line_no)"),
)


def _claim_tables_empty(cursor) -> bool:  # type: ignore[no-untyped-def]
    """A first import (the caller holds the import lock: nobody else writes the tables)."""
    cursor.execute(
        "SELECT NOT EXISTS (SELECT 1 FROM wqip_claim) AND NOT EXISTS (SELECT 1 FROM wqip_claimline)"
    )
    return bool(cursor.fetchone()[0])


def _defer_indexes(cursor, indexes: tuple[tuple[str, str, str], ...]) -> None:  # type: ignore[no-untyped-def]
    """A first import (both claim tables empty) loads them without their indexes and builds
    the indexes after, in the same transaction: one sort per index instead of an index entry
    per row (1M lines: the two inserts 30% faster). A failure rolls the drop back with the rest.
    The tables stay locked until the commit (readers of claim lines wait for the first import
    instead of seeing empty tables); a later import keeps the indexes."""
    for table, name, _definition in indexes:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")


def _build_indexes(cursor, indexes: tuple[tuple[str, str, str], ...]) -> None:  # type: ignore[no-untyped-def]
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for table in dict.fromkeys(t for t, _name, _definition in indexes):
        parts = ", ".join(
            f"ADD CONSTRAINT {name} {definition}" for t, name, definition in indexes if t == table
        )
        cursor.execute(f"ALTER TABLE {table} {parts}")


def _merge(cursor, *, has_duplicate_keys: bool, first_import: bool) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Insert the new claims and lines (the file is valid). Raises UniqueViolation when a
    claim (two versions) or a line key is in the file twice."""
    indexes = CLAIM_INDEXES + CLAIM_LINE_INDEXES
    if first_import:
        _drop_emptied_line_partitions(cursor)
        _defer_indexes(cursor, indexes)
    claims_added = _insert_claims(cursor, first_import=first_import)
    lines_added = _insert_lines(
        cursor, has_duplicate_keys=has_duplicate_keys, first_import=first_import
    )
    if first_import:
        _build_indexes(cursor, indexes)
    return claims_added, lines_added


def _insert_claims(cursor, *, first_import: bool) -> int:  # type: ignore[no-untyped-def]
    """The claims of claim_versions that are not stored yet; returns how many. Claim ids come
    from one block reserved on the sequence (one setval instead of a nextval per claim). On a
    first import (empty claim tables) every claim of the file is new: claim_versions is the list
    of new claims, and a claim's id follows its first file line (no numbering pass; the lines
    of the file that start no claim leave gaps in the block, which a sequence allows)."""
    cursor.execute("SELECT count(*), min(first_line), max(last_line) FROM claim_versions")
    versions, min_line, max_line = cursor.fetchone()
    if first_import:
        new_claims = "claim_versions"
        claims_added = versions
        block = max_line - min_line + 1
        n_id, o_id = "n.first_line - %(min_line)s + 1", "o.first_line - %(min_line)s + 1"
    else:
        new_claims = "new_claims"
        cursor.execute(
            f"""
            CREATE TEMP TABLE new_claims ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY v.first_line) AS id, v.claim_id,
                   {", ".join(CLAIM_LEVEL_COLUMNS)}, v.first_line
            FROM claim_versions v
            WHERE NOT EXISTS (SELECT 1 FROM wqip_claim c WHERE c.claim_id = v.claim_id)
            """
        )
        claims_added = cursor.rowcount
        block = claims_added
        n_id, o_id = "n.id", "o.id"
        cursor.execute("ANALYZE new_claims")
    if not claims_added:
        return 0
    # claim ids: the claim's number (1..block, in file order) + offset, one block of the
    # sequence. Claims without an original are written without a join; only those that name
    # one look it up (1M lines: the insert 0.83 → 0.69-0.80 s; no hash of every claim)
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('wqip_claim', 'id'), "
        "nextval(pg_get_serial_sequence('wqip_claim', 'id')) + %s - 1)",
        [block],
    )
    offset = cursor.fetchone()[0] - block
    cursor.execute(
        f"""
        INSERT INTO wqip_claim
            (id, claim_id, frequency_code, original_claim_id, replaces_id,
             adjudicated_date, received_date, imported_at)
        SELECT {n_id} + %(offset)s, n.claim_id, n.frequency_code, n.original_claim_id, NULL,
               n.adjudicated_date, n.received_date, now()
        FROM {new_claims} n
        WHERE n.original_claim_id = ''
        UNION ALL
        SELECT {n_id} + %(offset)s, n.claim_id, n.frequency_code, n.original_claim_id,
               coalesce({o_id} + %(offset)s, c.id), n.adjudicated_date, n.received_date, now()
        FROM {new_claims} n
        LEFT JOIN {new_claims} o ON o.claim_id = n.original_claim_id
        LEFT JOIN wqip_claim c ON c.claim_id = n.original_claim_id
        WHERE n.original_claim_id <> ''
        """,
        {"offset": offset, "min_line": min_line},
    )
    return claims_added


def _insert_lines(cursor, *, has_duplicate_keys: bool, first_import: bool) -> int:  # type: ignore[no-untyped-def]
    """The lines of claim_typed that are not stored yet (a line names its claim by the claim's
    own id: no look-up); returns how many. Ids from the sequence as one block: nobody else
    writes claim lines (we hold the lock). A line's id follows its file line (no numbering
    pass); lines that are not inserted leave gaps in the block, which a sequence allows."""
    columns = ", ".join(LINE_VALUE_COLUMNS)
    k_columns = ", ".join(f"k.{c}" for c in LINE_VALUE_COLUMNS)
    source = (
        "(SELECT DISTINCT ON (claim_id, line_no) * FROM claim_typed "
        "ORDER BY claim_id, line_no, line)"
        if has_duplicate_keys
        else "claim_typed"
    )
    cursor.execute("SELECT min(first_line), max(last_line) FROM claim_versions")
    min_line, max_line = cursor.fetchone()
    cursor.execute("SELECT nextval(pg_get_serial_sequence('wqip_claimline', 'id'))")
    first_id = cursor.fetchone()[0]
    if max_line > min_line:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('wqip_claimline', 'id'), %s)",
            [first_id + max_line - min_line],
        )
    stored = (
        ""
        if first_import
        else "WHERE NOT EXISTS (SELECT 1 FROM wqip_claimline l "
        "WHERE l.claim_id = k.claim_id AND l.line_no = k.line_no)"
    )
    cursor.execute(
        f"""
        INSERT INTO wqip_claimline (id, claim_id, line_no, {columns})
        SELECT %(first_id)s + k.line - %(min_line)s, k.claim_id, k.line_no, {k_columns}
        FROM {source} k {stored}
        """,
        {"first_id": first_id, "min_line": min_line},
    )
    return cursor.rowcount


def _store_line_parts(cursor, parts: list[LinePart]) -> tuple[int, int] | None:  # type: ignore[no-untyped-def]
    """A first import loaded in parallel: the workers wrote the claim lines and the claims of
    their parts (claims_parallel_load), every row proven valid. Checks what a first import
    needs, inserts the claims and attaches the parts to wqip_claimline; returns (claims, lines)
    added. None, with nothing stored, when the file needs the single-session path, which names
    the rows: an unknown original, two versions of one claim, or a line key twice in the file
    across parts (a row not proven valid, or a key twice inside a part, the worker itself
    refused)."""
    claims_parallel_load.claim_versions_of_parts(cursor, parts)
    for one, other in itertools.combinations(parts, 2):
        cursor.execute(
            f"""
            SELECT EXISTS (
                SELECT 1 FROM claim_versions v
                JOIN {one.table} a ON a.claim_id = v.claim_id
                JOIN {other.table} b ON b.claim_id = v.claim_id AND b.line_no = a.line_no
                WHERE v.straddles)
            """
        )
        if cursor.fetchone()[0]:
            return None
    cursor.execute("SAVEPOINT claim_store")
    try:
        _defer_indexes(cursor, CLAIM_INDEXES)
        claims_added = _insert_claims(cursor, first_import=True)
        # an original that is not in the file left its replacement's replaces_id empty (the
        # claim table held nothing else): one scan of the claims, not an anti-join before
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM wqip_claim "
            "WHERE original_claim_id <> '' AND replaces_id IS NULL)"
        )
        if cursor.fetchone()[0]:
            cursor.execute("ROLLBACK TO SAVEPOINT claim_store")
            return None
        _build_indexes(cursor, CLAIM_INDEXES)
    except psycopg.errors.UniqueViolation:  # two versions of one claim
        cursor.execute("ROLLBACK TO SAVEPOINT claim_store")
        return None
    cursor.execute("RELEASE SAVEPOINT claim_store")
    _attach_line_parts(cursor, parts)
    return claims_added, sum(part.high - part.low for part in parts)


def _drop_emptied_line_partitions(cursor) -> None:  # type: ignore[no-untyped-def]
    """A first import (the claim lines are empty): the partitions an earlier first import
    attached, emptied since, are dropped."""
    cursor.execute("LOCK TABLE wqip_claimline IN ACCESS EXCLUSIVE MODE")
    cursor.execute(
        "SELECT quote_ident(c.relname) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'wqip_claimline'::regclass AND c.relname <> 'wqip_claimline_default'"
    )
    for (name,) in cursor.fetchall():
        cursor.execute(f"DROP TABLE {name}")


def _attach_line_parts(cursor, parts: list[LinePart]) -> None:  # type: ignore[no-untyped-def]
    """The parts become partitions of wqip_claimline under names of their own. Each part's
    bound is a constraint already: the attach scans nothing."""
    _drop_emptied_line_partitions(cursor)
    for part in parts:
        if part.high == part.low:
            continue  # no rows: dropped with the work tables
        name = f"wqip_claimline_{part.low}"
        cursor.execute(f"ALTER TABLE {part.table} RENAME TO {name}")
        cursor.execute(f"ALTER INDEX {part.table}_pkey RENAME TO {name}_pkey")
        cursor.execute(f"ALTER INDEX {part.table}_key RENAME TO uniq_claim_line_{part.low}")
        cursor.execute(f"ALTER TABLE {name} RENAME CONSTRAINT {part.table}_bound TO {name}_bound")
        cursor.execute(
            f"ALTER TABLE wqip_claimline ATTACH PARTITION {name} "
            f"FOR VALUES FROM ({part.low}) TO ({part.high})"
        )


def import_claims(
    *,
    path: Path | str,
    actor: User | None = None,
    progress: ProgressCallback | None = None,
) -> ClaimImportSummary:
    """Import claims.csv (contract §1). Raises CsvImportError (nothing stored) on any bad row.

    Large files imported outside any transaction are loaded and typed by several database
    sessions at once (``claims_parallel_load``); their work tables are dropped
    whatever happens."""
    path = Path(path)
    workers = claims_parallel_load.workers_for(path)
    part_tables: list[str] = []
    try:
        return _import_claims(
            path=path, actor=actor, progress=progress, workers=workers, part_tables=part_tables
        )
    finally:
        claims_parallel_load.drop_part_tables(part_tables)


@transaction.atomic
def _import_claims(
    *,
    path: Path,
    actor: User | None,
    progress: ProgressCallback | None,
    workers: int,
    part_tables: list[str],
) -> ClaimImportSummary:
    source = str(path)
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg 3 cursor: COPY
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CLAIMS_LOCK_KEY])
        claims_parallel_load.sweep_stale_parts(cursor)
        _tune_session(cursor)
        started = time.perf_counter()
        first_import = _claim_tables_empty(cursor)
        loaded = None
        stored = None  # (claims, lines) added when the workers wrote the lines
        if workers:
            with open(path, "rb") as handle:
                columns = _read_header(handle, source)
                data_start = handle.tell()
            loaded = claims_parallel_load.load_typed(
                cursor,
                path=path,
                columns=columns,
                data_start=data_start,
                workers=workers,
                progress=progress,
                part_tables=part_tables,
                first_import=first_import,
            )
            if loaded is not None and first_import:
                if progress:
                    progress("storing", 0.0)
                stored = _store_line_parts(cursor, loaded.line_parts) if loaded.rows else None
                if stored is None:  # the file needs the detailed checks: the usual way
                    claims_parallel_load.drop_tables(cursor, part_tables)
                    cursor.execute("DROP TABLE IF EXISTS claim_versions")
                    loaded = None
        typed_by_workers = loaded is not None and stored is None
        if loaded is None:
            columns, loaded = _load(cursor, path, source, progress)
        logger.info("claims %s: loaded in %.1f s", path.name, time.perf_counter() - started)
        if loaded.rows == 0:
            raise CsvImportError([RowError(2, "", "the file has no data rows")], source)
        if stored is None:
            claims_added, lines_added = _validate_and_merge(
                cursor,
                path=path,
                columns=columns,
                loaded=loaded,
                progress=progress,
                typed_by_workers=typed_by_workers,
                first_import=first_import,
            )
        else:
            claims_added, lines_added = stored
        if typed_by_workers:
            claims_parallel_load.drop_typed_view(cursor, part_tables)
        else:  # the claims of the parts, and a part without rows (not attached)
            claims_parallel_load.drop_tables(cursor, part_tables)
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


def _validate_and_merge(
    cursor,  # type: ignore[no-untyped-def]
    *,
    path: Path,
    columns: list[str],
    loaded: _Loaded,
    progress: ProgressCallback | None,
    typed_by_workers: bool,
    first_import: bool,
) -> tuple[int, int]:
    """Prove the staged (or typed) rows valid or name every bad one, then merge them."""
    source = str(path)
    if progress:
        progress("validating", 0.0)
    if typed_by_workers:  # claim_typed is a view over the workers' analysed parts
        proven = _check_typed(cursor, analyze=False, first_import=first_import)
    else:
        proven = _fast_check(cursor, columns, trim=loaded.needs_trim, first_import=first_import)
        if proven:  # free the temporary buffers for the merge; the file can be read again
            cursor.execute("DROP TABLE claim_staging")
    if not proven:
        _detailed_validation(cursor, path, columns, loaded, source)
        _ensure_typed(cursor, columns)
    if progress:
        progress("storing", 0.0)
    cursor.execute("SAVEPOINT claim_merge")
    try:
        claims_added, lines_added = _merge(
            cursor, has_duplicate_keys=False, first_import=first_import
        )
        cursor.execute("RELEASE SAVEPOINT claim_merge")
    except psycopg.errors.UniqueViolation:  # the same key twice in the file
        cursor.execute("ROLLBACK TO SAVEPOINT claim_merge")
        if proven:
            _detailed_validation(cursor, path, columns, loaded, source)
        cursor.execute("DROP TABLE IF EXISTS new_claims")
        claims_added, lines_added = _merge(
            cursor, has_duplicate_keys=True, first_import=first_import
        )
    return claims_added, lines_added


# --- the web path: upload -> job (portal.jobs) -> same import -----------------------------


class ImportProgress(TypedDict):
    stage: str
    fraction: float


def claim_import_progress(*, claim_import: ClaimImport) -> ImportProgress:
    """Stage and fraction of a running import: its job's row (the worker writes them on a
    session of its own: the import's transaction is invisible until it commits)."""
    job = Job.objects.filter(pk=claim_import.job_id).first() if claim_import.job_id else None
    if job is None:
        return {"stage": "", "fraction": 0.0}
    return {"stage": job.stage, "fraction": job.fraction}


@transaction.atomic
def start_claim_import(*, uploaded_file, actor: User) -> ClaimImport:  # type: ignore[no-untyped-def]
    """Store the upload privately and queue the import job."""
    claim_import = ClaimImport(original_name=Path(uploaded_file.name).name[:255], uploaded_by=actor)
    claim_import.file.save(f"{uuid.uuid4().hex}.csv", uploaded_file, save=False)
    claim_import.save()
    record_event(actor=actor, action="claims.upload_queued", target=claim_import)
    claim_import.job = enqueue_job(
        kind=CLAIMS_IMPORT_JOB,
        target=claim_import,
        started_by=actor,
        label=f"Claims import {claim_import.original_name}",
    )
    claim_import.save(update_fields=["job"])
    return claim_import


def run_claim_import(
    *, claim_import_id: int, progress: ProgressCallback | None = None
) -> ClaimImport:
    """The job: import the stored file, record the outcome. Safe to run twice. A refused
    file is recorded on the import (FAILED, its errors); any other error propagates (the
    job's runner fails or retries the job)."""
    with transaction.atomic():
        claim_import = ClaimImport.objects.select_for_update().get(pk=claim_import_id)
        if claim_import.is_done:
            return claim_import
        claim_import.status = ClaimImport.Status.RUNNING
        claim_import.save(update_fields=["status"])
    try:
        # on object storage the file is first copied to a temporary local file (COPY and the
        # parallel load read it by byte ranges), removed when the import ends
        with local_file(claim_import.file) as path:
            summary = import_claims(path=path, actor=claim_import.uploaded_by, progress=progress)
    except CsvImportError as exc:
        claim_import.status = ClaimImport.Status.FAILED
        claim_import.error_count = len(exc.errors)
        claim_import.error_report = "\n".join(str(error) for error in exc.errors)
        claim_import.summary = f"refused: {len(exc.errors)} error(s); nothing was imported"
    except (OperationalError, InterfaceError):
        raise  # the database went away: the job runner retries it (portal/jobs)
    except Exception as exc:  # a bug or a file no check foresaw: the job ends, and says why
        logger.exception("claims import %s failed", claim_import_id)
        claim_import.status = ClaimImport.Status.FAILED
        claim_import.error_count = 0
        claim_import.error_report = f"{type(exc).__name__}: {exc}"[:2000]
        claim_import.summary = f"failed: {claim_import.error_report}"[:250]
    else:
        claim_import.status = ClaimImport.Status.SUCCEEDED
        claim_import.summary = str(summary)[:250]
    claim_import.finished_at = timezone.now()
    claim_import.save(
        update_fields=["status", "error_count", "error_report", "summary", "finished_at"]
    )
    return claim_import


# --- the job kind (declared by WqipConfig.job_kinds) ----------------------------------------

CLAIMS_IMPORT_JOB = "wqip.claims_import"


def _run_claims_import_job(job: Job, progress: Progress) -> str:
    claim_import = run_claim_import(claim_import_id=int(job.target_id), progress=progress)
    if claim_import.status == ClaimImport.Status.FAILED:
        # a refused file: its summary; an unexpected error: the error itself
        reason = claim_import.summary if claim_import.error_count else claim_import.error_report
        raise JobRefused(reason or "the file was refused")
    return claim_import.summary


def _claims_import_failed(job: Job) -> None:
    ClaimImport.objects.filter(pk=job.target_id).exclude(
        status__in=[ClaimImport.Status.SUCCEEDED, ClaimImport.Status.FAILED]
    ).update(
        status=ClaimImport.Status.FAILED,
        summary=f"failed: {job.error}"[:250],
        finished_at=timezone.now(),
    )


def _claims_import_retried(job: Job) -> None:
    ClaimImport.objects.filter(pk=job.target_id).update(
        status=ClaimImport.Status.QUEUED,
        summary="",
        error_report="",
        error_count=0,
        finished_at=None,
    )


def _claims_import_url(job: Job) -> str:
    return reverse("wqip:claim_import_detail", args=[job.target_id])


CLAIMS_IMPORT_JOB_KIND = JobKind(
    key=CLAIMS_IMPORT_JOB,
    label="Claims import",
    run=_run_claims_import_job,
    target_url=_claims_import_url,
    on_failed=_claims_import_failed,
    on_retry=_claims_import_retried,
)
