"""QAF tables: who pays (participation history), the rate table, monthly declarations, the
payments facilities record and the adjustments a late-approved rate produces."""

from programs.qaf.models.declarations import (
    DeclarationSource,
    PaymentMethod,
    QafDeclaration,
    QafPayment,
    QafRateAdjustment,
)
from programs.qaf.models.rates import QafRateYear
from programs.qaf.models.registry import ExemptionReason, QafParticipation

__all__ = [
    "DeclarationSource",
    "ExemptionReason",
    "PaymentMethod",
    "QafDeclaration",
    "QafParticipation",
    "QafPayment",
    "QafRateAdjustment",
    "QafRateYear",
]
