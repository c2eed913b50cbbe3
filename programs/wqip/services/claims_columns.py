"""The columns of claims.csv (contract §1) and the values they may take: shared by the claims
import's loading, typed pass, validation and merge, and by its parallel load."""

from __future__ import annotations

CLAIM_LEVEL_COLUMNS = ("frequency_code", "original_claim_id", "adjudicated_date", "received_date")
LINE_LEVEL_COLUMNS = (
    "member_id",
    "facility_npi",
    "admission_date",
    "from_date",
    "through_date",
    "discharge_date",
    "revenue_code",
    "primary_payer",
    "coverage",
    "hospice",
    "network_status",
    "claim_status",
    "paid_amount",
)
# contract §1 claims.csv, in the contract's order
CLAIM_COLUMNS = ("claim_id", "line_no", *CLAIM_LEVEL_COLUMNS, *LINE_LEVEL_COLUMNS)
DATE_COLUMNS = (
    "adjudicated_date",
    "received_date",
    "admission_date",
    "from_date",
    "through_date",
    "discharge_date",
)
ENUMS = {
    "frequency_code": ("1", "7", "8"),
    "primary_payer": ("MEDI_CAL", "MEDICARE", "OTHER"),
    "coverage": ("MCP", "FFS"),
    "hospice": ("Y", "N"),
    "network_status": ("IN", "OUT"),
    "claim_status": ("PAID", "DENIED", "PENDING"),
}
OPTIONAL_VALUES = ("original_claim_id", "discharge_date")
# a claim line's stored values (wqip_claimline's columns), in claim_typed's order
LINE_VALUE_COLUMNS = (
    "member_id",
    "facility_id",
    "admission_date",
    "from_date",
    "through_date",
    "discharge_date",
    "revenue_code",
    "primary_payer",
    "coverage",
    "hospice",
    "network_status",
    "claim_status",
    "paid_amount",
)


def _sql_literal_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)
