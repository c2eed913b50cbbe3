"""What the QAF services share: the settings as the engine's types, the rate table as the
engine's rows."""

from __future__ import annotations

from django.conf import settings

from programs.qaf.engine import RateYear, TierBasis
from programs.qaf.models import QafRateYear


class QafInputError(ValueError):
    """Input refused with a reason a person can act on (nothing was written)."""


def exclude_medicare() -> bool:
    return bool(getattr(settings, "QAF_EXCLUDE_MEDICARE_DAYS", True))


def tier_basis() -> TierBasis:
    return TierBasis(getattr(settings, "QAF_TIER_BASIS", TierBasis.PREVIOUS_12_MONTHS.value))


def as_engine_rate(row: QafRateYear) -> RateYear:
    return RateYear(
        label=row.label,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        rate_under_100k=row.rate_under_100k,
        rate_over_100k=row.rate_over_100k,
        cms_approved_on=row.cms_approved_on,
    )


def rate_table() -> tuple[list[RateYear], dict[str, QafRateYear]]:
    rows = list(QafRateYear.objects.all())
    return [as_engine_rate(r) for r in rows], {r.label: r for r in rows}
