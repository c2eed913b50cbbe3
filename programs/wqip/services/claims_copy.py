"""Reading claims.csv (contract §1) into the temporary table ``claim_staging``.

The file goes to PostgreSQL in large chunks (PostgreSQL parses the CSV). When PostgreSQL
refuses the stream (ragged rows, blank lines...), or when errors must be reported and the
file has quoted values, the file is read again with Python's csv module, row by row, so every
row's file line is exact. The header names the columns (any order); the values stay text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import psycopg

from portal.files.csvio import (
    CsvImportError,
    CsvReader,
    RowError,
    csv_error,
    normalise_header,
)
from programs.wqip.services.claims_columns import CLAIM_COLUMNS

CHUNK_BYTES = 4 * 1024 * 1024

ProgressCallback = Callable[[str, float], None]


class _RefusedByPostgres(Exception):
    """PostgreSQL could not parse the stream as CSV (ragged rows, blank lines, ...), or would
    misread it: a line that is only \\. ends the data of COPY FROM STDIN (up to PostgreSQL
    17), so the rows after it would be silently dropped."""


END_OF_DATA_LINE = re.compile(rb"(?:^|\n)\\\.\r?(?:\n|$)")


def has_end_of_data_line(chunk: bytes) -> bool:
    """True when a line of ``chunk`` (whole lines) is COPY's end-of-data marker \\."""
    # the backslash alone first: a one-byte scan (memchr) is ≈10 times cheaper than a two-byte one
    return b"\\" in chunk and b"\\." in chunk and END_OF_DATA_LINE.search(chunk) is not None


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
    try:
        columns = [normalise_header(name) for name in next(csv.reader([text]))]
    except csv.Error as exc:
        raise CsvImportError([csv_error(1, exc)], source) from None
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
    # a first import loaded in parallel: the claim lines as the workers wrote them
    # (claims_parallel_load.LinePart)
    line_parts: list[Any] = field(default_factory=list)


BLANK_NEXT_TO_SEPARATOR = (b" ,", b", ", b"\t", b" \r", b" \n", b"\n ", b'" ', b' "')


def _has_blank_next_to_separator(chunk: bytes) -> bool:
    # a blank at all first: one scan for each of the two bytes (memchr) instead of one for
    # each pattern (≈0.5 s of CPU per 75 MB, held under the GIL by the loading threads)
    if b" " not in chunk and b"\t" not in chunk:
        return False
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


def _copy_rowwise(cursor, handle: BinaryIO, columns: list[str], source: str) -> _Loaded:
    """Python's csv module, row by row (portal.files.csvio, as every importer): exact line
    numbers, ragged rows, blank lines; a record that is no row of the file (an unclosed
    quote, a carriage return in an unquoted value, a value too long, more values than the
    header) is refused at the line where it starts."""
    ncols = len(columns)
    names = ", ".join(f"c{i}" for i in range(ncols))
    reader = CsvReader(handle, required=(), source=source, header=columns)
    rows = 0
    with cursor.copy(f"COPY claim_staging (line, {names}) FROM STDIN") as copy:
        for line, values in reader.records():
            rows += 1
            copy.write_row((line, *(values + [""] * ncols)[:ncols]))
    return _Loaded(rows=rows, line_numbers_exact=True)


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
        loaded = _fill_staging(cursor, handle, columns, source, progress)
    return columns, loaded


def _fill_staging(
    cursor, handle: BinaryIO, columns: list[str], source: str, progress: ProgressCallback | None
) -> _Loaded:
    """The data rows into claim_staging: PostgreSQL's CSV parser, or row by row when it
    refuses the stream."""
    start = handle.tell()
    cursor.execute("SAVEPOINT claim_copy")
    try:
        loaded = _copy_fast(cursor, handle, len(columns), source, progress)
        cursor.execute("RELEASE SAVEPOINT claim_copy")
        return loaded
    except (psycopg.errors.DataError, _RefusedByPostgres):  # raw psycopg: not wrapped by Django
        cursor.execute("ROLLBACK TO SAVEPOINT claim_copy")
    handle.seek(start)
    # the header was read from line 1; csv's line_num counts from line 2 here
    return _copy_rowwise(cursor, handle, columns, source)


def _reload_rowwise(cursor, path: Path, columns: list[str], source: str) -> None:
    with open(path, "rb") as handle:
        _read_header(handle, source)
        cursor.execute("TRUNCATE claim_staging")
        _copy_rowwise(cursor, handle, columns, source)


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


def _table_exists(cursor, name: str) -> bool:  # type: ignore[no-untyped-def]
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"pg_temp.{name}"])
    return cursor.fetchone()[0]
