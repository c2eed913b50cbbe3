"""IPP tables (docs/ipp.md)."""

from programs.ipp.models.cap import IppCap, IppCapDocument, IppCapItem
from programs.ipp.models.plan import (
    IppLetter,
    IppMeasure,
    IppProgramYear,
    IppSubmission,
    MeasureKind,
    PlanClass,
)
from programs.ipp.models.providers import (
    IppApplication,
    IppApplicationDocument,
    IppBudgetLine,
    IppNeedsSurvey,
)
from programs.ipp.models.public import IppFeedback, IppPublicDocument

__all__ = [
    "IppApplication",
    "IppApplicationDocument",
    "IppBudgetLine",
    "IppCap",
    "IppCapDocument",
    "IppCapItem",
    "IppFeedback",
    "IppLetter",
    "IppMeasure",
    "IppNeedsSurvey",
    "IppProgramYear",
    "IppPublicDocument",
    "IppSubmission",
    "MeasureKind",
    "PlanClass",
]
