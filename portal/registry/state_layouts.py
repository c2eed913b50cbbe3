"""Which registry file is this? Told from the header, never from the name."""

from __future__ import annotations

from pathlib import Path

from portal.files.csvio import CsvImportError, RowError
from portal.files.tables import file_kind, header_key

LISTING_MARKERS = frozenset({"facid", "facname", "fac_fdr", "fac_type_code"})


def is_contract_facilities_file(path: Path | str) -> bool:
    """False for the CDPH listing (an XLSX file, or a header with ``FACID``, ``FACNAME``,
    ``FAC_FDR`` or ``FAC_TYPE_CODE``); True for anything else, read as our facilities.csv
    (contract §1), whose reader names what is missing."""
    if file_kind(path) != "csv":
        return False
    with open(path, "rb") as handle:
        first = handle.readline(64 * 1024)
    try:
        header = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvImportError([RowError(1, "", "not valid UTF-8")], Path(path).name) from None
    return not LISTING_MARKERS & {header_key(name) for name in header.split(",")}
