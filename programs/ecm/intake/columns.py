"""The columns of the two files a provider sends each month, in the DHCS order.

Headers match tolerantly: case, spacing and punctuation are ignored, and so is a trailing
parenthesis ("ECM Provider National Provider Identifier (NPI)" = "... Identifier"). Extra
columns (the newer templates' Population of Focus or closed-loop referral columns) are
ignored; the order is free. docs/ecm-files.md is this module in words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RTF = "rtf"
OTF = "otf"

# value kinds
TEXT = "text"
YES_NO = "yes_no"
DATE = "date"
CIN = "cin"
NPI = "npi"
TIN = "tin"
ZIP = "zip"
STATE = "state"
PHONE = "phone"
EMAIL = "email"
PERIOD = "period"
MINUTES = "minutes"
CODE = "code"  # one of a configurable list (``Column.codes`` names the list)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT
    required: bool = False
    max_length: int = 100
    codes: str = ""  # the list of the year's settings an ``CODE`` value must be in
    # required when another column holds "Y" (e.g. the address when the address is new)
    required_if_yes: str = ""


RTF_COLUMNS: tuple[Column, ...] = (
    Column("mcp_id", "Primary Payer (MCP) Identifier", required=True, max_length=20),
    Column("mcp_name", "MCP Name", required=True),
    Column("cin", "Member Client Index Number (CIN)", CIN, required=True),
    Column("last_name", "Member Last Name", required=True, max_length=60),
    Column("first_name", "Member First Name", required=True, max_length=60),
    Column("new_address", "Member New Address Indicator", YES_NO, required=True),
    Column("homeless", "Member Homelessness Indicator", YES_NO, required=True),
    Column("address", "Member Residential Address", required_if_yes="new_address"),
    Column("city", "Member Residential City", max_length=60, required_if_yes="new_address"),
    Column("state", "Member Residential State", STATE, required_if_yes="new_address"),
    Column("zip", "Member Residential Zip", ZIP, required_if_yes="new_address"),
    Column("new_phone", "Member New Phone Number Indicator", YES_NO, required=True),
    Column("phone", "Member Phone Number", PHONE, required_if_yes="new_phone"),
    Column("pof_indicator", "Member POF Indicator", YES_NO, required=True),
    Column("pof", "Member POF", CODE, codes="pof_codes", required_if_yes="pof_indicator"),
    Column("ecm_status", "Member ECM Status", CODE, required=True, codes="ecm_statuses"),
    Column("acuity", "Member Acuity Level", CODE, codes="acuity_levels"),
    Column("enrollment_start", "ECM Enrollment Start Date", DATE, required=True),
    Column("enrollment_end", "ECM Enrollment End Date", DATE),
    Column("care_plan_revised", "Date of Latest Care Plan Revision", DATE),
    Column("care_conference", "Date of Most Recent Care Conference", DATE),
    Column("assessment_started", "Date Assessment Started", DATE),
    Column("assessment_completed", "Date of Most Recent Completed Assessment", DATE),
    Column("last_encounter", "Date of Most Recent Encounter with Member", DATE),
    Column("lcm_name", "ECM Lead Care Manager Name"),
    Column("lcm_phone", "ECM Lead Care Manager Name Phone Number", PHONE),
    Column("lcm_email", "ECM Lead Care Manager Email", EMAIL, max_length=254),
    Column("discontinuation_date", "Discontinuation Date", DATE),
    Column(
        "discontinuation_code", "Discontinuation Reason Code", CODE, codes="discontinuation_codes"
    ),
    Column("discontinuation_reason", "Discontinuation Reason", max_length=200),
    Column("in_person", "In Person", YES_NO),
    Column("telephonic", "Telephonic/Video", YES_NO),
    Column(
        "production_date",
        "Member Information Return Transmission File Production Date",
        DATE,
        required=True,
    ),
    Column("period", "Member Information File Reporting Period", PERIOD, required=True),
    Column("provider_name", "ECM Provider Name", required=True),
    Column("provider_npi", "ECM Provider National Provider Identifier (NPI)", NPI, required=True),
    Column("provider_tin", "ECM Provider Tax ID Number (TIN)", TIN, required=True),
    Column("provider_phone", "ECM Provider Phone Number", PHONE),
)

OTF_COLUMNS: tuple[Column, ...] = (
    Column("mcp_id", "Primary Payer (MCP) Identifier", required=True, max_length=20),
    Column("mcp_name", "MCP Name", required=True),
    Column("provider_name", "ECM Provider Name", required=True),
    Column("provider_npi", "ECM Provider National Provider Identifier (NPI)", NPI, required=True),
    Column("provider_tin", "ECM Provider Tax ID Number(TIN)", TIN, required=True),
    Column("client_name", "Client Name", required=True, max_length=120),
    Column("cin", "Member Client Index Number", CIN, required=True),
    Column("provider_type", "Provider Type", required=True, max_length=60),
    Column("attempt_date", "Date of Outreach Attempt", DATE, required=True),
    Column("method", "Outreach Attempt Method", CODE, required=True, codes="outreach_methods"),
    Column("successful", "Outreach Attempt Successful", YES_NO, required=True),
    Column("minutes", "Time Spent Performing Outreach", MINUTES, required=True),
)

COLUMNS = {RTF: RTF_COLUMNS, OTF: OTF_COLUMNS}
FILE_NAMES = {RTF: "Return Transmission File (RTF)", OTF: "Outreach Tracker File (OTF)"}

_TRAILING_PARENTHESIS = re.compile(r"\([^()]*\)\s*$")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def header_key(name: str) -> str:
    """A header as it is matched: lower case, no trailing parenthesis, letters and digits
    only ("ECM Provider Tax ID Number(TIN)" -> "ecmprovidertaxidnumber")."""
    name = _TRAILING_PARENTHESIS.sub("", name.strip().lstrip("\ufeff").lower())
    return _NOT_ALNUM.sub("", name)


def column_by_key(kind: str) -> dict[str, Column]:
    return {header_key(c.header): c for c in COLUMNS[kind]}


# The value lists a measurement year starts with (the DHCS value sets were not found: each
# year's settings may change them; other-programs.md §2).
DEFAULT_CODES: dict[str, list[str]] = {
    "ecm_statuses": ["Active", "Pending", "Declined", "Unable to Reach", "Discontinued"],
    "acuity_levels": ["High", "Medium", "Low"],
    # Populations of Focus: homelessness, avoidable hospital/ED use (high utilisers), serious
    # mental health or SUD needs, transitioning from incarceration, birth equity, at risk for
    # LTC institutionalisation, nursing facility to community, CCS with needs, child welfare
    "pof_codes": ["HOM", "HUT", "SMH", "JUS", "BEQ", "LTC", "NFT", "CCS", "CWF"],
    "discontinuation_codes": ["01", "02", "03", "04", "05", "06", "07", "08"],
    "outreach_methods": ["In Person", "Telephone", "Video", "Text Message", "Email", "Mail"],
}
DEFAULT_COUNTED_STATUSES = ["Active"]
