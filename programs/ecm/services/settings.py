"""Program settings per measurement year: saved whole, checked, audited."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from portal.audit.services import record_event
from portal.models import User
from programs.ecm.access import is_manager
from programs.ecm.models import (
    MeasurementYear,
    ScoreBand,
    ScoreMapping,
    ScoringModel,
    YearMeasure,
)

YEAR_FIELDS = (
    "scoring_model",
    "rate_per_member_month",
    "score_mapping",
    "cap_percent",
    "cap_amount",
    "due_day",
    "due_in_working_days",
    "mcp_id",
    "codes",
    "counted_statuses",
)
CODE_LISTS = (
    "ecm_statuses",
    "acuity_levels",
    "pof_codes",
    "discontinuation_codes",
    "outreach_methods",
)


@dataclass(frozen=True)
class MeasureSetting:
    code: str
    weight: Decimal = Decimal(0)
    points: int = 0
    target: Decimal = Decimal(0)


def _require_manager(actor: User) -> None:
    if not is_manager(actor):
        raise PermissionDenied(f"{actor} may not change ECM QIP settings")


def check_settings(
    values: dict[str, Any], measures: list[MeasureSetting], bands: list[tuple[Decimal, Decimal]]
) -> list[str]:
    """What is wrong with a year's settings taken together (empty when they can be saved)."""
    problems = []
    if not measures:
        problems.append("Choose at least one measure.")
    codes = [m.code for m in measures]
    if len(set(codes)) != len(codes):
        problems.append("A measure is listed twice.")
    if values["scoring_model"] == ScoringModel.TIMELINESS:
        if measures and sum((m.weight for m in measures), Decimal(0)) <= 0:
            problems.append(
                "The timeliness model needs the measures' shares to add up to more than 0."
            )
    else:
        total = sum(m.points for m in measures)
        if measures and total != 100:
            problems.append(f"The 100-point model needs points that add up to 100 (now {total}).")
        if values["score_mapping"] == ScoreMapping.BANDS and not bands:
            problems.append("Band mapping needs at least one band.")
    mins = [b[0] for b in bands]
    if len(set(mins)) != len(mins):
        problems.append("Two bands start at the same score.")
    lists = values.get("codes") or {}
    for name in CODE_LISTS:
        if not lists.get(name):
            problems.append(f"The value list {name} is empty.")
    counted = values.get("counted_statuses") or []
    unknown = [s for s in counted if s not in (lists.get("ecm_statuses") or [])]
    if not counted:
        problems.append("Choose the ECM statuses that make a member eligible.")
    elif unknown:
        problems.append(f"Eligible statuses not in the ECM status list: {', '.join(unknown)}.")
    return problems


def _snapshot(year: MeasurementYear) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in YEAR_FIELDS:
        value = getattr(year, name)
        data[name] = str(value) if isinstance(value, Decimal) else value
    data["measures"] = [
        {"code": m.code, "weight": str(m.weight), "points": m.points, "target": str(m.target)}
        for m in year.measures.all()
    ]
    data["bands"] = [[str(b.min_score), str(b.percent)] for b in year.bands.all()]
    return data


@transaction.atomic
def save_year_settings(
    *,
    measurement_year: MeasurementYear,
    values: dict[str, Any],
    measures: list[MeasureSetting],
    bands: list[tuple[Decimal, Decimal]],
    actor: User,
) -> MeasurementYear:
    """Replace a year's settings, measures and bands at once; an audit event says what
    changed from what."""
    _require_manager(actor)
    problems = check_settings(values, measures, bands)
    if problems:
        raise ValidationError(problems)
    year = MeasurementYear.objects.select_for_update().get(pk=measurement_year.pk)
    before = _snapshot(year)
    for name in YEAR_FIELDS:
        setattr(year, name, values[name])
    year.updated_by = actor
    year.full_clean()
    year.save()
    year.measures.all().delete()
    YearMeasure.objects.bulk_create(
        YearMeasure(
            measurement_year=year, code=m.code, weight=m.weight, points=m.points, target=m.target
        )
        for m in measures
    )
    year.bands.all().delete()
    ScoreBand.objects.bulk_create(
        ScoreBand(measurement_year=year, min_score=lo, percent=pct) for lo, pct in bands
    )
    after = _snapshot(year)
    if before != after:
        record_event(
            actor=actor,
            action="ecm.settings_changed",
            target=year,
            data={"from": before, "to": after},
        )
        from programs.ecm.services.scoring import score_year

        score_year(measurement_year=year)  # the stored month scores follow the settings
    return year


@transaction.atomic
def create_year(*, year: int, actor: User) -> MeasurementYear:
    """A new measurement year, starting from the latest earlier year's settings (or the
    defaults: timeliness model, RTF and OTF on time with equal shares)."""
    _require_manager(actor)
    if MeasurementYear.objects.filter(year=year).exists():
        raise ValidationError(f"Measurement year {year} exists already.")
    previous = MeasurementYear.objects.filter(year__lt=year).order_by("-year").first()
    created = MeasurementYear(year=year, updated_by=actor)
    if previous is not None:
        for name in YEAR_FIELDS:
            setattr(created, name, getattr(previous, name))
    created.save()
    if previous is not None:
        YearMeasure.objects.bulk_create(
            YearMeasure(
                measurement_year=created,
                code=m.code,
                weight=m.weight,
                points=m.points,
                target=m.target,
            )
            for m in previous.measures.all()
        )
        ScoreBand.objects.bulk_create(
            ScoreBand(measurement_year=created, min_score=b.min_score, percent=b.percent)
            for b in previous.bands.all()
        )
    else:
        YearMeasure.objects.bulk_create(
            [
                YearMeasure(measurement_year=created, code="rtf_timely", weight=Decimal("0.5")),
                YearMeasure(measurement_year=created, code="otf_timely", weight=Decimal("0.5")),
            ]
        )
    record_event(
        actor=actor,
        action="ecm.year_created",
        target=created,
        data={"copied_from": previous.year if previous else None},
    )
    return created
