from payments.models.adjustments import BedDayAdjustment
from payments.models.bed_days import (
    BedDayComputation,
    BedDayLineRange,
    BedDayMemberRange,
    BedDayMonth,
    BedDaySummary,
)
from payments.models.citations import Citation
from payments.models.claims import Claim, ClaimImport, ClaimLine
from payments.models.ledger import LedgerEntry, LedgerImmutableError
from payments.models.rates import ExhibitKind, PerDiem, PerDiemExhibit
from payments.models.runs import CitationClass, LineStatus, PaymentLine, PaymentRun

__all__ = [
    "BedDayAdjustment",
    "BedDayComputation",
    "BedDayLineRange",
    "BedDayMemberRange",
    "BedDayMonth",
    "BedDaySummary",
    "Citation",
    "CitationClass",
    "Claim",
    "ClaimImport",
    "ClaimLine",
    "ExhibitKind",
    "LedgerEntry",
    "LedgerImmutableError",
    "LineStatus",
    "PaymentLine",
    "PaymentRun",
    "PerDiem",
    "PerDiemExhibit",
]
