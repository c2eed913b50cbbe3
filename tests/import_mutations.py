"""Mutated copies of a valid import file, for the importers' property tests (issue 22 item 6):
stray bytes, quotes, carriage returns and line feeds, other separators, other encodings, values
over 128 KB, more cells than the header, cut files. The property every importer must keep:
the file is imported whole, or refused with errors that name a line, with nothing stored."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from portal.files.csvio import CsvImportError

# 200 examples per importer in every run (CI included), the same ones each time
IMPORT_PROPERTY_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

MUTATIONS = (
    "none",
    "bytes",
    "quote",
    "carriage_return",
    "line_feed",
    "separator",
    "encoding",
    "huge_value",
    "long_value",
    "extra_cell",
    "delete",
    "truncate",
    "nul",
    "duplicate_line",
)


@st.composite
def mutated(draw: st.DrawFn, valid: bytes) -> bytes:
    data = bytearray(valid)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(st.sampled_from(MUTATIONS))
        at = draw(st.integers(min_value=0, max_value=len(data)))
        if kind == "bytes":
            data[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif kind == "quote":
            data[at:at] = b'"'
        elif kind == "carriage_return":
            data[at:at] = b"\r"
        elif kind == "line_feed":
            data[at:at] = b"\n"
        elif kind == "nul":
            data[at:at] = b"\x00"
        elif kind == "separator":
            new = draw(st.sampled_from([b";", b"\t", b"|", b",,", b'","']))
            if draw(st.booleans()):
                data = bytearray(bytes(data).replace(b",", new))
            else:
                comma = bytes(data).find(b",", at)
                if comma >= 0:
                    data[comma : comma + 1] = new
        elif kind == "encoding":
            text = bytes(data).decode("utf-8", errors="replace")
            codec = draw(st.sampled_from(["utf-16", "latin-1", "cp1252", "utf-8-sig", "utf-32"]))
            data = bytearray(text.encode(codec, errors="replace"))
        elif kind in ("huge_value", "long_value"):
            size = (
                draw(st.sampled_from([131_073, 200_000]))
                if kind == "huge_value"
                else draw(st.sampled_from([21, 65, 256, 10_001]))
            )
            filler = draw(st.sampled_from([b"x", b"9", b"\xc3\xa9"]))
            data[at:at] = filler * size
        elif kind == "extra_cell":
            end = bytes(data).find(b"\n", at)
            end = len(data) if end < 0 else end
            data[end:end] = draw(st.sampled_from([b",extra", b",1,2", b',"x"']))
        elif kind == "delete":
            del data[at : at + draw(st.integers(min_value=1, max_value=30))]
        elif kind == "truncate":
            del data[at:]
        elif kind == "duplicate_line":
            lines = bytes(data).split(b"\n")
            index = draw(st.integers(min_value=0, max_value=max(len(lines) - 1, 0)))
            lines.insert(index, lines[index] if lines else b"")
            data = bytearray(b"\n".join(lines))
    return bytes(data)


class _RolledBack(Exception):
    pass


@contextmanager
def rolled_back():  # type: ignore[no-untyped-def]
    """Each example starts from the same database: everything it wrote is undone."""
    try:
        with transaction.atomic():
            yield
            raise _RolledBack
    except _RolledBack:
        pass


def check_whole_or_refused(
    run: Callable[[], Any], counts: Callable[[], tuple[int, ...]]
) -> tuple[str, Any]:
    """Run an import; it must succeed or raise CsvImportError whose every error names a line
    (>= 1), with ``counts()`` unchanged. Any other exception fails the test."""
    before = counts()
    refusal: CsvImportError | None = None
    result = None
    try:
        with transaction.atomic():
            result = run()
    except CsvImportError as exc:
        refusal = exc
    if refusal is None:
        return "imported", result
    assert refusal.errors, "a refusal must say why"
    for error in refusal.errors:
        assert error.line >= 1, f"error without a line number: {error}"
        assert error.reason
    assert counts() == before, "a refused file left rows behind"
    return "refused", refusal
