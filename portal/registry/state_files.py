"""Readers of the state's registry files as published (../shared/domain/public-data.md §1):
the CDPH Licensed and Certified Healthcare Facility Listing (every vintage: ``HCAI_ID`` or
``OSHPD_ID``, with or without ``DEEMED_BY_ID`` and ``DMG_EFCTV_DATE``), its FACID <-> HCAI ID
<-> CCN <-> NPI crosswalk and the bed types and counts file. Pure: they read files and return
records; nothing here touches the database.

Only the licence types the programs need are kept: skilled nursing facilities, and ICF/DD
homes (kept, and ineligible). Rows of every other licence type are counted, not checked.
Every kept row is checked; any bad value refuses the whole file naming line, column and cause.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from portal.files.csvio import CsvImportError, RowError
from portal.files.tables import (
    Cell,
    Column,
    identifier,
    read_table,
    text,
    typed,
    whole_number,
)
from portal.registry.models import npi_check_digit_ok

SNF, ICF_DD = "SNF", "ICF_DD"
SNF_TYPE_CODES = frozenset({"SNF"})
ICF_DD_TYPE_CODES = frozenset({"ICFDD", "ICFDDH", "ICFDDN"})
SNF_FDR = "SKILLED NURSING FACILITY"
ICF_DD_FDR_PREFIX = "INTERMEDIATE CARE FACILITY-DD"
OPEN_STATUS = "OPEN"
ACTIVE_LICENCE = "ACTIVE"
STP_BED_TYPE = "SPECIAL TREATMENT PROGRAM"
SNF_BED_TYPE = "SKILLED NURSING"

FACID_WIDTH, HCAI_WIDTH, CCN_WIDTH, NPI_WIDTH = 9, 9, 6, 10

LISTING_COLUMNS = (
    Column("FACID"),
    Column("FACNAME"),
    Column("FAC_TYPE_CODE"),
    Column("FAC_FDR"),
    Column("HCAI_ID", aliases=("OSHPD_ID",)),
    Column("CAPACITY", required=False),
    Column("NPI", required=False),
    Column("CCN", required=False),
    Column("FAC_STATUS_TYPE_CODE", required=False),
    Column("LICENSE_STATUS_DESCRIPTION", required=False),
    Column("LICENSE_NUMBER", required=False),
    Column("COUNTY_NAME", required=False),
    Column("ADDRESS", required=False),
    Column("CITY", required=False),
    Column("ZIP", required=False),
    Column("CONTACT_EMAIL", required=False),
    Column("CONTACT_PHONE_NUMBER", required=False),
    Column("PARENT_FACID", required=False),
    Column("DATA_DATE", required=False),
)

CROSSWALK_COLUMNS = (
    Column("ELMS_FACID", aliases=("FACID",)),
    Column("HCAI_ID", aliases=("OSHPD_ID",)),
    Column("CCN", required=False),
    Column("NPI", required=False),
)

BED_COLUMNS = (
    Column("FACID"),
    Column("BED_CAPACITY_TYPE"),
    Column("BED_CAPACITY"),
)


def licence_kind(type_code: str, fdr: str) -> str | None:
    """SNF, ICF_DD, or None for a licence type the programs do not use."""
    code, fdr = type_code.strip().upper(), fdr.strip().upper()
    if code in SNF_TYPE_CODES or fdr == SNF_FDR:
        return SNF
    if code in ICF_DD_TYPE_CODES or fdr.startswith(ICF_DD_FDR_PREFIX):
        return ICF_DD
    return None


@dataclass(frozen=True)
class ListedFacility:
    """One SNF or ICF/DD row of the listing (joined to the crosswalk and bed counts by
    ``combine``)."""

    line: int
    facid: str
    name: str
    kind: str  # SNF or ICF_DD
    hcai_id: str = ""
    npi: str = ""
    ccn: str = ""
    capacity: int | None = None
    status: str = ""  # FAC_STATUS_TYPE_CODE
    licence_status: str = ""  # LICENSE_STATUS_DESCRIPTION
    licence_number: str = ""
    county: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""
    parent_facid: str = ""
    licensed_beds: int | None = None  # after combine: bed types, else CAPACITY
    stp_beds: int = 0

    @property
    def licence_active(self) -> bool:
        """Open and active (a vintage without the column does not close anyone) [A]."""
        return self.status.upper() in ("", OPEN_STATUS) and self.licence_status.upper() in (
            "",
            ACTIVE_LICENCE,
        )

    @property
    def licence_text(self) -> str:
        return " / ".join(v for v in (self.status, self.licence_status) if v) or "not given"


@dataclass
class Listing:
    source: str
    facilities: dict[str, ListedFacility] = field(default_factory=dict)
    other_types: int = 0  # rows of licence types the programs do not use
    id_column: str = "HCAI_ID"  # as written in this vintage: HCAI_ID or OSHPD_ID
    data_date: str = ""


def _npi(cell: Cell) -> str:
    value = identifier(cell, width=NPI_WIDTH, label="NPI")
    if value and not npi_check_digit_ok(value):
        raise ValueError(f"NPI {value} fails the check digit (Luhn) test")
    return value


def _facid(cell: Cell) -> str:
    value = identifier(cell, width=FACID_WIDTH, label="FACID")
    if not value:
        raise ValueError("value is missing")
    return value


def _hcai(cell: Cell) -> str:
    return identifier(cell, width=HCAI_WIDTH, label="HCAI ID")


def _ccn(cell: Cell) -> str:
    value = text(cell).upper()
    if not value:
        return ""
    if not value.isalnum() or len(value) > CCN_WIDTH:
        raise ValueError(f"'{value[:40]}' is not a CCN (6 letters or digits)")
    return value.zfill(CCN_WIDTH)


def _optional_count(cell: Cell) -> int | None:
    return None if text(cell) == "" else whole_number(cell)


def read_listing(path: Path | str, *, what: str = "") -> Listing:
    """The SNF and ICF/DD rows of a CDPH listing file (CSV or XLSX, any vintage)."""
    table = read_table(path, columns=LISTING_COLUMNS, what=what)
    listing = Listing(table.source, id_column=table.headers["HCAI_ID"].upper())
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    for line, row in table.rows:
        kind = licence_kind(text(row["FAC_TYPE_CODE"]), text(row["FAC_FDR"]))
        if kind is None:
            listing.other_types += 1
            continue
        row_errors: list[RowError] = []
        facid = typed(table, line, row, "FACID", _facid, row_errors, "")
        name = text(row["FACNAME"])
        if not name:
            row_errors.append(table.error(line, "FACNAME", "value is missing"))
        elif len(name) > 200:
            row_errors.append(table.error(line, "FACNAME", f"{len(name)} characters; at most 200"))
        record = ListedFacility(
            line=line,
            facid=facid,
            name=name,
            kind=kind,
            hcai_id=typed(table, line, row, "HCAI_ID", _hcai, row_errors, ""),
            npi=typed(table, line, row, "NPI", _npi, row_errors, ""),
            ccn=typed(table, line, row, "CCN", _ccn, row_errors, ""),
            capacity=typed(table, line, row, "CAPACITY", _optional_count, row_errors),
            status=text(row.get("FAC_STATUS_TYPE_CODE")),
            licence_status=text(row.get("LICENSE_STATUS_DESCRIPTION")),
            licence_number=text(row.get("LICENSE_NUMBER"))[:40],
            county=text(row.get("COUNTY_NAME"))[:60],
            address=_address(row),
            email=text(row.get("CONTACT_EMAIL"))[:254],
            phone=text(row.get("CONTACT_PHONE_NUMBER"))[:30],
            parent_facid=text(row.get("PARENT_FACID"))[:20],
        )
        if facid and facid in first_line and not row_errors:
            row_errors.append(
                table.error(line, "FACID", f"FACID {facid} already on line {first_line[facid]}")
            )
        errors += row_errors
        if not row_errors:
            first_line.setdefault(facid, line)
            listing.facilities[facid] = record
        if not listing.data_date:
            listing.data_date = text(row.get("DATA_DATE"))[:40]
    if errors:
        raise CsvImportError(errors, table.source)
    if not listing.facilities:
        raise CsvImportError(
            [RowError(2, "FAC_TYPE_CODE", "no skilled nursing or ICF/DD facility in the file")],
            table.source,
        )
    return listing


def _address(row: dict[str, Cell]) -> str:
    parts = [text(row.get(c)) for c in ("ADDRESS", "CITY")]
    zip_code = text(row.get("ZIP"))
    joined = ", ".join(p for p in parts if p)
    if zip_code:
        joined = f"{joined} {zip_code}".strip()
    return joined[:250]


@dataclass(frozen=True)
class CrosswalkEntry:
    facid: str
    hcai_id: str = ""
    ccn: str = ""
    npi: str = ""


def read_crosswalk(
    path: Path | str, *, facids: set[str] | None = None, what: str = ""
) -> dict[str, CrosswalkEntry]:
    """FACID -> (HCAI ID, CCN, NPI) from the ELMS-ASPEN-OSHPD crosswalk; with ``facids``
    only those facilities' rows are read and checked. A FACID on several rows takes the first
    non-empty value of each identifier."""
    table = read_table(path, columns=CROSSWALK_COLUMNS, what=what)
    entries: dict[str, CrosswalkEntry] = {}
    errors: list[RowError] = []
    for line, row in table.rows:
        row_errors: list[RowError] = []
        facid = typed(table, line, row, "ELMS_FACID", _facid, row_errors, "")
        if facids is not None and facid not in facids:
            continue
        values = {
            "hcai_id": typed(table, line, row, "HCAI_ID", _hcai, row_errors, ""),
            "ccn": typed(table, line, row, "CCN", _ccn, row_errors, ""),
            "npi": typed(table, line, row, "NPI", _npi, row_errors, ""),
        }
        errors += row_errors
        if row_errors:
            continue
        entry = entries.get(facid, CrosswalkEntry(facid))
        entries[facid] = replace(entry, **{k: getattr(entry, k) or v for k, v in values.items()})
    if errors:
        raise CsvImportError(errors, table.source)
    return entries


@dataclass(frozen=True)
class BedCounts:
    facid: str
    by_type: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_type.values())

    @property
    def stp(self) -> int:
        return self.by_type.get(STP_BED_TYPE, 0)

    @property
    def skilled_nursing(self) -> int:
        return self.by_type.get(SNF_BED_TYPE, 0)


def read_bed_types(
    path: Path | str, *, facids: set[str] | None = None, what: str = ""
) -> dict[str, BedCounts]:
    """FACID -> beds by type from the long bed types and counts file (one row per facility
    and bed type; a repeated type adds up)."""
    table = read_table(path, columns=BED_COLUMNS, what=what)
    counts: dict[str, dict[str, int]] = {}
    errors: list[RowError] = []
    for line, row in table.rows:
        row_errors: list[RowError] = []
        facid = typed(table, line, row, "FACID", _facid, row_errors, "")
        if facids is not None and facid not in facids:
            continue
        bed_type = " ".join(text(row["BED_CAPACITY_TYPE"]).upper().split())
        if not bed_type:
            row_errors.append(table.error(line, "BED_CAPACITY_TYPE", "value is missing"))
        beds = typed(table, line, row, "BED_CAPACITY", whole_number, row_errors, 0)
        errors += row_errors
        if not row_errors:
            by_type = counts.setdefault(facid, {})
            by_type[bed_type] = by_type.get(bed_type, 0) + beds
    if errors:
        raise CsvImportError(errors, table.source)
    return {facid: BedCounts(facid, by_type) for facid, by_type in counts.items()}


def combine(
    listing: Listing,
    crosswalk: dict[str, CrosswalkEntry] | None = None,
    beds: dict[str, BedCounts] | None = None,
) -> list[ListedFacility]:
    """The listing's facilities with identifiers the listing lacks taken from the crosswalk,
    and beds from the bed types file: licensed beds = every bed type of the facility (the
    listing's CAPACITY when the facility has no bed rows), STP beds = its Special Treatment
    Program beds [A]."""
    crosswalk = crosswalk or {}
    beds = beds or {}
    records = []
    for facid, record in sorted(listing.facilities.items()):
        cross = crosswalk.get(facid)
        if cross is not None:
            record = replace(
                record,
                hcai_id=record.hcai_id or cross.hcai_id,
                npi=record.npi or cross.npi,
                ccn=record.ccn or cross.ccn,
            )
        counts = beds.get(facid)
        if counts is not None and counts.by_type:
            record = replace(record, licensed_beds=counts.total, stp_beds=counts.stp)
        else:
            record = replace(record, licensed_beds=record.capacity, stp_beds=0)
        records.append(record)
    return records


def read_state_registry(
    listing_path: Path | str,
    *,
    crosswalk_path: Path | str | None = None,
    beds_path: Path | str | None = None,
    names: dict[str, str] | None = None,
) -> tuple[Listing, list[ListedFacility]]:
    """Read the listing and, when given, its crosswalk and bed types; join them. ``names``
    (by source: cdph_listing, cdph_crosswalk, cdph_bed_types) name the files in messages."""
    names = names or {}
    listing = read_listing(listing_path, what=names.get("cdph_listing", ""))
    facids = set(listing.facilities)
    crosswalk = (
        read_crosswalk(crosswalk_path, facids=facids, what=names.get("cdph_crosswalk", ""))
        if crosswalk_path
        else None
    )
    beds = (
        read_bed_types(beds_path, facids=facids, what=names.get("cdph_bed_types", ""))
        if beds_path
        else None
    )
    return listing, combine(listing, crosswalk, beds)


__all__ = [
    "ICF_DD",
    "SNF",
    "BedCounts",
    "CrosswalkEntry",
    "ListedFacility",
    "Listing",
    "combine",
    "licence_kind",
    "read_bed_types",
    "read_crosswalk",
    "read_listing",
    "read_state_registry",
]
