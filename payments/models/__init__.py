from payments.models.bed_days import (
    BedDayComputation,
    BedDayLineRange,
    BedDayMemberRange,
    BedDayMonth,
    BedDaySummary,
)
from payments.models.claims import Claim, ClaimImport, ClaimLine

__all__ = [
    "BedDayComputation",
    "BedDayLineRange",
    "BedDayMemberRange",
    "BedDayMonth",
    "BedDaySummary",
    "Claim",
    "ClaimImport",
    "ClaimLine",
]
