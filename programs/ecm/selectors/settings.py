"""The measurement years and their rules as the engine needs them."""

from __future__ import annotations

from django.db.models import QuerySet

from programs.ecm.engine import scoring
from programs.ecm.models import MeasurementYear


def measurement_years() -> QuerySet[MeasurementYear]:
    return MeasurementYear.objects.prefetch_related("measures", "bands").order_by("-year")


def year_rules(measurement_year: MeasurementYear) -> scoring.Rules:
    """The engine's rules of a year (its measures and bands read once)."""
    return scoring.Rules(
        model=measurement_year.scoring_model,
        measures=tuple(
            scoring.MeasureRule(code=m.code, weight=m.weight, points=m.points, target=m.target)
            for m in measurement_year.measures.all()
        ),
        rate_per_member_month=measurement_year.rate_per_member_month,
        mapping=measurement_year.score_mapping,
        bands=tuple(
            scoring.Band(min_score=b.min_score, percent=b.percent)
            for b in measurement_year.bands.all()
        ),
        cap_percent=measurement_year.cap_percent,
        cap_amount=measurement_year.cap_amount,
    )
