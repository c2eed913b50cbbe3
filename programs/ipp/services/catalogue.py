"""The measure catalogue: CSV import (all or nothing, errors by line and column), the PY1 point
split, DHCS's results per measure and the figures of a submission."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone

from portal.audit.services import record_event
from portal.files.csvio import CsvImportError, CsvReader, RowError, length_errors, require
from portal.models import User
from portal.money import ZERO
from programs.ipp import engine
from programs.ipp.models import IppMeasure, IppProgramYear, IppSubmission, MeasureKind, PlanClass

CATALOGUE_COLUMNS = (
    "program_year",
    "submission",
    "measure",
    "priority_area",
    "domain",
    "name",
    "mandatory",
    "kind",
    "points",
)
CATALOGUE_OPTIONAL = ("tiers", "applicable", "plan_class")
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
DOMAINS = {code for code, _ in IppMeasure._meta.get_field("domain").choices or []}


class SplitRefused(ValueError):
    """The PY1 split breaks a rule; ``errors`` says which."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def _points(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"'{text}' is not a number of points") from None
    if not value.is_finite() or value < 0 or value >= Decimal("1000000"):
        raise ValueError(f"'{text}' is not a number of points from 0")
    return value.quantize(Decimal("0.01"))


def _yes_no(text: str, *, default: bool | None = None) -> bool:
    lowered = text.lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    if not text and default is not None:
        return default
    raise ValueError(f"'{text}' is not yes or no")


def parse_tiers(text: str) -> list[engine.Tier]:
    """``Full:10;Half:5``: tiers as label:points, separated by semicolons."""
    tiers = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        label, colon, points = part.rpartition(":")
        if not colon or not label.strip():
            raise ValueError(f"tier '{part}' is not label:points")
        tiers.append(engine.Tier(label.strip(), _points(points.strip())))
    return tiers


def as_input(measure: IppMeasure) -> engine.MeasureInput:
    return engine.MeasureInput(
        code=measure.code,
        points=measure.points,
        applicable=measure.applicable,
        tiers=tuple(engine.Tier(t["label"], Decimal(str(t["points"]))) for t in measure.tiers),
        met=measure.met,
        tier=measure.tier,
    )


def import_catalogue(*, handle: BinaryIO, actor: User, source_name: str = "") -> int:
    """Replace the catalogue of every submission the file names. Nothing is stored unless every
    row is right; a submission whose results are recorded is refused."""
    reader = CsvReader(
        handle, required=CATALOGUE_COLUMNS, optional=CATALOGUE_OPTIONAL, source=source_name
    )
    submissions = {
        (s.program_year.number, s.code): s
        for s in IppSubmission.objects.select_related("program_year")
    }
    errors: list[RowError] = []
    rows: list[tuple[IppSubmission, dict[str, Any]]] = []
    seen: dict[tuple[int, str, str], int] = {}
    for line, row in reader:
        row_errors = require(row, CATALOGUE_COLUMNS, line)
        row_errors += length_errors(row, {"measure": 20, "name": 300, "submission": 8}, line)
        values: dict[str, Any] = {"code": row["measure"], "name": row["name"]}
        submission = None
        year_text = row["program_year"].upper().removeprefix("PY")
        if not year_text.isdigit():
            row_errors.append(
                RowError(line, "program_year", f"'{row['program_year']}' is not 1, 2 or 3")
            )
        elif row["submission"]:
            submission = submissions.get((int(year_text), row["submission"]))
            if submission is None:
                row_errors.append(
                    RowError(
                        line,
                        "submission",
                        f"PY{year_text} has no submission '{row['submission']}' "
                        "(add it in the admin first)",
                    )
                )
            elif submission.results_recorded_at is not None:
                row_errors.append(
                    RowError(
                        line,
                        "submission",
                        f"{submission}: DHCS's results are recorded; its catalogue is closed",
                    )
                )
        try:
            area = int(row["priority_area"])
            if area not in engine.AREAS:
                raise ValueError
            values["priority_area"] = area
        except ValueError:
            row_errors.append(
                RowError(line, "priority_area", f"'{row['priority_area']}' is not 1, 2, 3 or 4")
            )
            area = 0
        domain = row["domain"].upper()
        if domain not in DOMAINS:
            row_errors.append(
                RowError(
                    line,
                    "domain",
                    f"'{row['domain']}' is not a domain ({', '.join(sorted(DOMAINS))})",
                )
            )
        elif area and not domain.startswith(str(area)):
            row_errors.append(
                RowError(line, "domain", f"domain {domain} is not in priority area {area}")
            )
        values["domain"] = domain
        kind = row["kind"].lower()
        if kind not in MeasureKind.values:
            row_errors.append(RowError(line, "kind", f"'{row['kind']}' is not p4r or p4p"))
        values["kind"] = kind
        plan_class = row["plan_class"].lower()
        if plan_class and plan_class not in PlanClass.values:
            row_errors.append(
                RowError(
                    line,
                    "plan_class",
                    f"'{row['plan_class']}' is not one of {', '.join(PlanClass.values)}",
                )
            )
        values["plan_class"] = plan_class
        for column, parse in (
            ("mandatory", lambda t: _yes_no(t)),
            ("applicable", lambda t: _yes_no(t, default=True)),
            ("points", _points),
            ("tiers", parse_tiers),
        ):
            try:
                values[column] = parse(row[column])
            except ValueError as exc:
                row_errors.append(RowError(line, column, str(exc)))
        if "points" in values and "tiers" in values:
            check = engine.check_measure(
                engine.MeasureInput(
                    code=row["measure"], points=values["points"], tiers=values["tiers"]
                )
            )
            row_errors += [RowError(line, "tiers", message) for message in check]
        key = (int(year_text) if year_text.isdigit() else 0, row["submission"], row["measure"])
        if key in seen:
            row_errors.append(RowError(line, "measure", f"also on line {seen[key]}"))
        seen.setdefault(key, line)
        errors += row_errors
        if not row_errors and submission is not None:
            rows.append((submission, values))
    reader.check_not_empty()
    if errors:
        raise CsvImportError(sorted(errors, key=lambda e: e.line), source_name)
    with transaction.atomic():
        for submission in {s.pk: s for s, _ in rows}.values():
            submission.measures.all().delete()
        IppMeasure.objects.bulk_create(
            IppMeasure(
                submission=submission,
                **{
                    **values,
                    "tiers": [{"label": t.label, "points": str(t.points)} for t in values["tiers"]],
                },
            )
            for submission, values in rows
        )
        for submission in {s.pk: s for s, _ in rows}.values():
            record_event(
                actor=actor,
                action="ipp.catalogue.imported",
                target=submission,
                data={
                    "measures": sum(1 for s, _ in rows if s.pk == submission.pk),
                    "file": source_name,
                },
            )
    return len(rows)


@transaction.atomic
def set_py1_split(
    *,
    program_year: IppProgramYear,
    shares: dict[int, Decimal],
    gap_filling_areas: list[int],
    has_community_supports: bool,
    actor: User,
) -> IppProgramYear:
    """Store the plan's PY1 point split after the rules allow it (``SplitRefused`` otherwise)."""
    errors = engine.check_py1_split(
        shares=shares,
        gap_filling_areas=gap_filling_areas,
        has_community_supports=has_community_supports,
    )
    if errors:
        raise SplitRefused(errors)
    year = IppProgramYear.objects.select_for_update().get(pk=program_year.pk)
    for area in engine.AREAS:
        setattr(year, f"share_area_{area}", shares.get(area, ZERO))
    year.gap_filling_areas = sorted(set(gap_filling_areas))
    year.has_community_supports = has_community_supports
    year.save()
    record_event(
        actor=actor,
        action="ipp.split.set",
        target=year,
        data={
            "shares": {str(k): str(v) for k, v in shares.items()},
            "gap_filling_areas": year.gap_filling_areas,
        },
    )
    return year


@transaction.atomic
def record_result(
    *, measure: IppMeasure, actor: User, reported: str = "", met: bool | None = None, tier: str = ""
) -> IppMeasure:
    """DHCS's result for one measure (full or none: ``met``; tiered: ``tier``)."""
    measure = IppMeasure.objects.select_for_update().get(pk=measure.pk)
    probe = as_input(measure)
    probe = engine.MeasureInput(
        code=probe.code,
        points=probe.points,
        applicable=probe.applicable,
        tiers=probe.tiers,
        met=met,
        tier=tier,
    )
    engine.points_earned(probe)  # raises MeasureError on a tier the measure does not have
    if not measure.applicable and (met or tier):
        raise engine.MeasureError(
            f"measure {measure.code} does not apply to the plan: it earns no points"
        )
    measure.reported, measure.met, measure.tier = reported, met, tier
    measure.save(update_fields=["reported", "met", "tier"])
    IppSubmission.objects.filter(pk=measure.submission_id).update(
        results_recorded_at=timezone.now(), results_recorded_by=actor
    )
    record_event(
        actor=actor,
        action="ipp.result.recorded",
        target=measure,
        data={"met": met, "tier": tier, "points": str(engine.points_earned(probe))},
    )
    return measure


@dataclass(frozen=True)
class MeasureLine:
    measure: IppMeasure
    earned: Decimal


@dataclass(frozen=True)
class SubmissionFigures:
    submission: IppSubmission
    lines: list[MeasureLine]
    earned: engine.Earned
    other_class: list[IppMeasure]  # for another plan class than the year's: not counted


def submission_figures(submission: IppSubmission) -> SubmissionFigures:
    """The measures that count (those with no plan class, or the program year's class) with
    their points, and the amount earned. A measure of another plan class (PY2-3 Submissions 4
    and 5) is listed apart and neither earns nor is available."""
    plan_class = submission.program_year.plan_class
    measures: list[IppMeasure] = []
    other_class: list[IppMeasure] = []
    for m in submission.measures.all():
        (measures if not m.plan_class or m.plan_class == plan_class else other_class).append(m)
    inputs = [as_input(m) for m in measures]
    return SubmissionFigures(
        submission=submission,
        other_class=other_class,
        lines=[
            MeasureLine(m, engine.points_earned(i)) for m, i in zip(measures, inputs, strict=True)
        ],
        earned=engine.earned_amount(allocation=submission.max_allocation, measures=inputs),
    )
