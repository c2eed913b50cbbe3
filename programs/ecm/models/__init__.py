"""ECM QIP tables."""

from programs.ecm.models.settings import (
    Measure,
    MeasurementYear,
    ScoreBand,
    ScoreMapping,
    ScoringModel,
    YearMeasure,
)

__all__ = [
    "Measure",
    "MeasurementYear",
    "ScoreBand",
    "ScoreMapping",
    "ScoringModel",
    "YearMeasure",
]
