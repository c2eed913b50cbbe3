"""A valid state file with one cell changed to anything (hypothesis): the readers either read it
or refuse it with line, column and cause (a CsvImportError); never another exception."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from portal.files.csvio import CsvImportError
from portal.registry.state_files import read_bed_types, read_crosswalk, read_listing
from programs.wqip.services.citation_files import read_citations
from tests.portal.test_state_files import bed_rows, crosswalk_rows, listing_rows
from tests.programs.wqip.test_citation_files import dashboard_rows
from tests.state_files import (
    BED_TYPES,
    CROSSWALK,
    DASHBOARD_COLUMNS,
    LISTING_VINTAGES,
    write_table,
)

CELL = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", " ", "0", "1.5", "²", "\t", "2024-02-30", "13/45/2024", "99999999"]),
)
FILES: dict[str, tuple[Any, Callable[[], list[dict]], Callable[[Path], object]]] = {
    "listing": (LISTING_VINTAGES["2026"], listing_rows, read_listing),
    "crosswalk": (CROSSWALK, crosswalk_rows, read_crosswalk),
    "beds": (BED_TYPES, bed_rows, read_bed_types),
    "dashboard": (DASHBOARD_COLUMNS, lambda: dashboard_rows(through_excel=True), read_citations),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.sampled_from(sorted(FILES)),
    row=st.integers(min_value=0, max_value=2),
    column=st.integers(min_value=0, max_value=60),
    value=CELL,
    suffix=st.sampled_from([".csv", ".xlsx"]),
)
def test_given_one_cell_mutated_when_read_then_read_or_refused_with_line_and_cause(
    which, row, column, value, suffix
):
    # given
    columns, rows_of, reader = FILES[which]
    rows = rows_of()
    name = columns[column % len(columns)]
    rows[row][name] = value
    if isinstance(value, str):
        # Excel cannot hold control characters (openpyxl refuses them); a NUL in a CSV file is
        # refused by csvio before any reader sees it
        rows[row][name] = ILLEGAL_CHARACTERS_RE.sub("", value) if suffix == ".xlsx" else value
        rows[row][name] = rows[row][name].replace("\x00", "")
    with tempfile.TemporaryDirectory() as folder:
        path = write_table(Path(folder) / f"file{suffix}", columns, rows)
        # when
        refusal = None
        try:
            reader(path)
        except CsvImportError as exc:
            refusal = exc
    # then: read, or refused with each error naming a line and a cause
    if refusal is not None:
        assert refusal.errors
        assert all(e.line >= 1 and e.reason for e in refusal.errors)
