"""The DHCS templates are Excel workbooks (an ``RTF`` and an ``OTF`` sheet, header in row 1):
a workbook is turned into the same CSV text, so row N of the sheet is line N of the errors."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile

from portal.files.csvio import CsvImportError, RowError

XLSX_MAGIC = b"PK\x03\x04"
MAX_ROWS = 200_000


def is_workbook(content: bytes) -> bool:
    return content.startswith(XLSX_MAGIC)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def workbook_to_csv(content: bytes, *, kind: str, source: str = "") -> bytes:
    """The sheet named like the kind (``RTF``/``OTF``, any case), else the first sheet."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise CsvImportError(
            [RowError(1, "", f"not a readable Excel workbook ({type(exc).__name__})")], source
        ) from None
    try:
        names = {name.strip().lower(): name for name in workbook.sheetnames}
        sheet = workbook[names.get(kind.lower(), workbook.sheetnames[0])]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise CsvImportError([RowError(number, "", f"more than {MAX_ROWS:,} rows")], source)
            writer.writerow([_cell_text(v).replace("\n", " ") for v in row])
    finally:
        workbook.close()
    return out.getvalue().encode("utf-8")
