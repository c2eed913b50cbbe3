"""Builders of the state's files in each published layout (../shared/domain/public-data.md):
the CDPH listing in three vintages, the crosswalk, bed types, the State Enforcement Actions
workbook and the dashboard export, written as CSV or as XLSX (openpyxl), the way the state or
Excel writes them."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

LISTING_NEWEST = [
    "LICENSED_CERTIFIED",
    "FLAG",
    "T18_19",
    "FACID",
    "FAC_STATUS_TYPE_CODE",
    "ASPEN_FACID",
    "CCN",
    "TERMINAT_SW",
    "PARTICIPATION_DATE",
    "APPROVAL_DATE",
    "NPI",
    "CAN_BE_DEEMED_FAC_TYPE",
    "CAN_BE_CERTIFIED_FAC_TYPE",
    "DEEMED",
    "AO_CD",
    "DMG_EFCTV_DT",
    "AO_TRMNTN_DT",
    "AO_NAME",
    "FACNAME",
    "FAC_TYPE_CODE",
    "FAC_FDR",
    "LTC",
    "CAPACITY",
    "ADDRESS",
    "CITY",
    "ZIP",
    "ZIP9",
    "FACADMIN",
    "CONTACT_EMAIL",
    "CONTACT_FAX",
    "CONTACT_PHONE_NUMBER",
    "COUNTY_CODE",
    "COUNTY_NAME",
    "DISTRICT_NUMBER",
    "DISTRICT_NAME",
    "ISFACMAIN",
    "PARENT_FACID",
    "FAC_FAC_RELATIONSHIP_TYPE_CODE",
    "START_DATE",
    "LICENSE_NUMBER",
    "BUSINESS_NAME",
    "LICENSE_STATUS_DESCRIPTION",
    "INITIAL_LICENSE_DATE",
    "LICENSE_EFFECTIVE_DATE",
    "LICENSE_EXPIRATION_DATE",
    "ENTITY_TYPE_DESCRIPTION",
    "LATITUDE",
    "LONGITUDE",
    "LOCATION",
    "HCAI_ID",
    "CCLHO_CODE",
    "CCLHO_NAME",
    "FIPS_COUNTY_CODE",
    "BIRTHING_FACILITY_FLAG",
    "TRAUMA_PED_CTR",
    "TRAUMA_CTR",
    "TYPE_OF_CARE",
    "CRITICAL_ACCESS_HOSPITAL",
    "DATA_DATE",
    "DMG_EFCTV_DATE",
]


def _vintage(*, id_column: str, deemed_by: bool, dmg_date: bool) -> list[str]:
    columns = [id_column if c == "HCAI_ID" else c for c in LISTING_NEWEST]
    if deemed_by:
        columns.insert(columns.index("DEEMED") + 1, "DEEMED_BY_ID")
    if not dmg_date:
        columns.remove("DMG_EFCTV_DATE")
    return columns


# the three vintages of the guide: OSHPD_ID (oldest), OSHPD_ID with DEEMED_BY_ID, and the newest
LISTING_VINTAGES = {
    "2021": _vintage(id_column="OSHPD_ID", deemed_by=False, dmg_date=False),
    "2023": _vintage(id_column="OSHPD_ID", deemed_by=True, dmg_date=False),
    "2026": _vintage(id_column="HCAI_ID", deemed_by=False, dmg_date=True),
}

CROSSWALK = [
    "LICENSED_CERTIFIED",
    "ELMS_FACID",
    "LICENSE_NUMBER",
    "LICENSE_STATUS_DESCRIPTION",
    "PERM_ID",
    "HCAI_ID",
    "ASPEN_FACID",
    "CCN",
    "NPI",
    "ASPEN_STATUS",
    "FACNAME",
    "FAC_TYPE_DESCRIPTION",
    "FAC_FDR",
    "FAC_FAC_RELATIONSHIP",
    "ELMS_PARENT_FACID",
]
CROSSWALK_OLD = ["oshpd_id" if c == "HCAI_ID" else c.lower() for c in CROSSWALK if c != "PERM_ID"]
BED_TYPES = ["FACID", "FACNAME", "FAC_FDR", "BED_CAPACITY_TYPE", "BED_CAPACITY", "COUNTY_NAME"]

SEA_KNOWN = [
    "EVENTID",
    "FACID",
    "FACILITY_NAME",
    "FAC_TYPE_CODE",
    "FAC_FDR",
    "DISTRICT_OFFICE",
    "LTC",
    "PENALTY_NUMBER",
    "PENALTY_ISSUE_DATE",
    "VIOLATION_FROM_DATE",
    "PENALTY_TYPE",
    "PENALTY_DETAIL",
    "PENALTY_CATEGORY",
    "DISPOSITION",
    "CLASS_ASSESSED_INITIAL",
    "CLASS_ASSESSED_FINAL",
    "DEATH_RELATED",
    "APPEALED",
    "TOTAL_AMOUNT_INITIAL",
    "TOTAL_AMOUNT_DUE_FINAL",
    "TOTAL_BALANCE_DUE",
    "TOTAL_COLLECTED_AMOUNT",
    "TOTAL_PENALTY_OFFSET_AMOUNT",
    "PRIORITY_ALL",
    "INTAKEID_ALL",
    "SFY",
]
# 32 columns as published; the six not named in the guide get stand-in names
SEA_COLUMNS = [*SEA_KNOWN, *(f"UNNAMED_{n}" for n in range(27, 33))]
DASHBOARD_COLUMNS = [
    "Facility ID",
    "Facility Name",
    "Facility Name When Issued",
    "Facility Type",
    "Penalty Number",
    "Penalty Issue Date",
    "Violation From Date",
    "Violation To Date",
    "Total Amount Due Final",
    "Class Assessed Final",
    "Class Assessed Initial",
]

SNF_FDR = "SKILLED NURSING FACILITY"
ICF_FDR = "INTERMEDIATE CARE FACILITY-DD/H/N/CN/IID"


def listing_row(**values: Any) -> dict[str, Any]:
    """A listing row: an open, active SNF unless told otherwise."""
    row: dict[str, Any] = {
        "LICENSED_CERTIFIED": "LICENSED AND CERTIFIED",
        "FAC_STATUS_TYPE_CODE": "OPEN",
        "FAC_TYPE_CODE": "SNF",
        "FAC_FDR": SNF_FDR,
        "LTC": "LTC",
        "LICENSE_STATUS_DESCRIPTION": "ACTIVE",
        "COUNTY_NAME": "LOS ANGELES",
        "CITY": "LOS ANGELES",
        "ADDRESS": "1 MAIN ST",
        "ZIP": "90001",
        "DATA_DATE": "2026-11-01",
    }
    row.update(values)
    if "HCAI_ID" in row:
        row["OSHPD_ID"] = row["HCAI_ID"]
    return row


def write_table(
    path: Path,
    columns: Sequence[str],
    rows: Iterable[dict[str, Any]],
    *,
    title_rows: Sequence[str] = (),
    bom: bool = False,
) -> Path:
    """CSV or XLSX by the path's ending; values missing from a row are left empty. In XLSX, a
    date is a date cell and a number a number cell, as Excel stores them."""
    table = [[row.get(c, "") for c in columns] for row in rows]
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        for title in title_rows:
            sheet.append([title])
        sheet.append(list(columns))
        for values in table:
            sheet.append([None if v == "" else v for v in values])
        workbook.save(path)
        return path
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for values in table:
            writer.writerow([v.isoformat() if isinstance(v, datetime.date) else v for v in values])
    return path


def excel_serial(day: datetime.date) -> int:
    """The number Excel shows for a date once the cell loses its date format."""
    return (day - datetime.date(1899, 12, 30)).days
