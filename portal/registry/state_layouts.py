"""Which registry file is this? Told from the header, never from the name."""

from __future__ import annotations

from pathlib import Path

from portal.files.csvio import CsvImportError, RowError
from portal.files.tables import file_kind, header_key

CONTRACT_MARKERS = frozenset({"npi", "facility_type", "cdph_facid"})


def is_contract_facilities_file(path: Path | str) -> bool:
    """True for our facilities.csv (contract §1: ``npi``, ``facility_type``, ``cdph_facid``
    headers); anything else is read as the CDPH listing (whose reader names what is missing)."""
    if file_kind(path) != "csv":
        return False
    with open(path, "rb") as handle:
        first = handle.readline(64 * 1024)
    try:
        header = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvImportError([RowError(1, "", "not valid UTF-8")], Path(path).name) from None
    return {header_key(name) for name in header.split(",")} >= CONTRACT_MARKERS
