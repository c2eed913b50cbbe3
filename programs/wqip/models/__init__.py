"""Every WQIP model: program years and opt-ins, claims and bed days, per diems, citations,
bed-day adjustments."""

from programs.wqip.models.adjustments import BedDayAdjustment
from programs.wqip.models.bed_days import (
    BedDayComputation,
    BedDayLineRange,
    BedDayMemberRange,
    BedDayMonth,
    BedDaySummary,
)
from programs.wqip.models.citations import Citation
from programs.wqip.models.claims import Claim, ClaimImport, ClaimLine
from programs.wqip.models.opt_in import (
    OptInDocument,
    OptInExtension,
    OptInReportContact,
    OptInTransition,
    OptInVersion,
)
from programs.wqip.models.program import OptIn, ProgramYear
from programs.wqip.models.rates import ExhibitKind, PerDiem, PerDiemExhibit

__all__ = [
    "BedDayAdjustment",
    "BedDayComputation",
    "BedDayLineRange",
    "BedDayMemberRange",
    "BedDayMonth",
    "BedDaySummary",
    "Citation",
    "Claim",
    "ClaimImport",
    "ClaimLine",
    "ExhibitKind",
    "OptIn",
    "OptInDocument",
    "OptInExtension",
    "OptInReportContact",
    "OptInTransition",
    "OptInVersion",
    "PerDiem",
    "PerDiemExhibit",
    "ProgramYear",
]
