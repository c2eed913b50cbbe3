"""ECM QIP tables."""

from programs.ecm.models.reports import (
    FileKind,
    MonthScore,
    OtfAttempt,
    ReimbursementBase,
    ReportFile,
    RtfMember,
)
from programs.ecm.models.settings import (
    Measure,
    MeasurementYear,
    ScoreBand,
    ScoreMapping,
    ScoringModel,
    YearMeasure,
)

__all__ = [
    "FileKind",
    "Measure",
    "MeasurementYear",
    "MonthScore",
    "OtfAttempt",
    "ReimbursementBase",
    "ReportFile",
    "RtfMember",
    "ScoreBand",
    "ScoreMapping",
    "ScoringModel",
    "YearMeasure",
]
