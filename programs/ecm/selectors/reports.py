"""Reads of files, month scores and the dashboards; each starts from ``providers_for``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from portal.models import User
from portal.money import ZERO
from programs.ecm.engine import scoring
from programs.ecm.models import MeasurementYear, MonthScore, ReimbursementBase, ReportFile
from programs.ecm.selectors.providers import providers_for
from programs.ecm.selectors.settings import year_rules
from programs.ecm.services.scoring import figures_from_scores


def files_for(*, user: User) -> QuerySet[ReportFile]:
    return ReportFile.objects.filter(provider__in=providers_for(user=user)).select_related(
        "provider", "measurement_year", "uploaded_by"
    )


def month_scores(
    *, user: User, provider_id: int, measurement_year: MeasurementYear
) -> list[MonthScore]:
    return list(
        MonthScore.objects.filter(
            provider__in=providers_for(user=user),
            provider_id=provider_id,
            measurement_year=measurement_year,
        ).order_by("month")
    )


@dataclass(frozen=True)
class YearToDate:
    score: scoring.Score
    improvements: list[scoring.Improvement]
    late_months: list[MonthScore]
    lateness_cost: Decimal
    months: int


def year_to_date(
    *, measurement_year: MeasurementYear, scores: list[MonthScore], provider_id: int
) -> YearToDate | None:
    """The months scored so far, together: the score, what to improve, what lateness cost."""
    if not scores:
        return None
    rules = year_rules(measurement_year)
    base = (
        ReimbursementBase.objects.filter(measurement_year=measurement_year, provider_id=provider_id)
        .values_list("amount", flat=True)
        .first()
    ) or ZERO
    months = len(scores)
    score = scoring.score_period(
        rules=rules,
        months=figures_from_scores(scores),
        months_in_period=months,
        reimbursement=scoring.prorate(base, months=months),
    )
    late = [s for s in scores if s.is_late]
    return YearToDate(
        score=score,
        improvements=scoring.improvements(rules=rules, score=score),
        late_months=late,
        lateness_cost=sum((s.lateness_cost for s in late), ZERO),
        months=months,
    )


SORTS = {
    "name": "name",
    "npi": "npi",
    "months": "months",
    "late": "late_months",
    "members": "member_months",
    "amount": "amount",
    "cost": "cost",
}


def plan_overview(
    *, user: User, measurement_year: MeasurementYear, sort: str = "name", descending: bool = False
) -> QuerySet[Any]:
    """Every provider the user sees with its year so far, one query, sortable."""
    field = SORTS.get(sort, "name")
    scores = Q(ecm_month_scores__measurement_year=measurement_year)
    rows = (
        providers_for(user=user)
        .annotate(
            months=Count("ecm_month_scores", filter=scores),
            late_months=Count(
                "ecm_month_scores",
                filter=scores
                & (Q(ecm_month_scores__rtf_on_time=False) | Q(ecm_month_scores__otf_on_time=False)),
            ),
            missing_months=Count(
                "ecm_month_scores",
                filter=scores
                & (
                    Q(ecm_month_scores__rtf_on_time__isnull=True)
                    | Q(ecm_month_scores__otf_on_time__isnull=True)
                ),
            ),
            member_months=Sum("ecm_month_scores__eligible_members", filter=scores, default=0),
            amount=Sum("ecm_month_scores__amount", filter=scores, default=ZERO),
            cost=Sum("ecm_month_scores__lateness_cost", filter=scores, default=ZERO),
        )
        .values(
            "id",
            "name",
            "npi",
            "months",
            "late_months",
            "missing_months",
            "member_months",
            "amount",
            "cost",
        )
    )
    order = f"-{field}" if descending else field
    return rows.order_by(order, "name", "id")
