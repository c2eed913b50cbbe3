"""Scoring per provider and month, stored (MonthScore), from the files in force.

The month's figures come from the current RTF and OTF of the month; its timeliness from the
first file of each kind. A month is scored on its own (months in period = 1; the 100-point
model's base is a twelfth of the year's reimbursement); payment runs score the months they
cover together (``period_score``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from portal.calendar.dates import plan_holidays
from portal.money import ZERO
from programs.ecm.engine import deadlines, scoring
from programs.ecm.models import (
    MeasurementYear,
    MonthScore,
    ReimbursementBase,
    ReportFile,
)
from programs.ecm.selectors.settings import year_rules


def due_dates(measurement_year: MeasurementYear) -> dict[int, datetime.date]:
    """The due day of each month's reports (one read of the holiday table)."""
    holidays = (
        plan_holidays(years=[measurement_year.year, measurement_year.year + 1])
        if measurement_year.due_in_working_days
        else set()
    )
    return {
        month: deadlines.due_date(
            year=measurement_year.year,
            month=month,
            due_day=measurement_year.due_day,
            working_days=measurement_year.due_in_working_days,
            holidays=holidays,
        )
        for month in range(1, 13)
    }


def counts_from_json(data: dict[str, Any]) -> dict[str, scoring.Count]:
    return {code: scoring.Count(int(pair[0]), int(pair[1])) for code, pair in data.items()}


def counts_to_json(counts: dict[str, scoring.Count]) -> dict[str, list[int]]:
    return {code: [c.numerator, c.denominator] for code, c in sorted(counts.items())}


@dataclass
class MonthFiles:
    """What the files of one provider-month say (current data, first file's timeliness)."""

    rtf: ReportFile | None = None
    otf: ReportFile | None = None
    rtf_on_time: bool | None = None
    otf_on_time: bool | None = None
    rtf_days_late: int = 0
    otf_days_late: int = 0

    def figures(self, month: int) -> scoring.MonthFigures:
        counts: dict[str, scoring.Count] = {}
        if self.rtf is not None:
            counts.update(counts_from_json(self.rtf.counts))
        if self.otf is not None:
            counts.update(counts_from_json(self.otf.counts))
        return scoring.MonthFigures(
            month=month,
            rtf_on_time=self.rtf_on_time,
            otf_on_time=self.otf_on_time,
            members=self.rtf.members if self.rtf is not None else 0,
            counts=counts,
        )


def month_files(
    files: Iterable[ReportFile], due: dict[int, datetime.date]
) -> dict[tuple[int, int], MonthFiles]:
    """(provider id, month) -> its MonthFiles, from every file of a year (any order)."""
    result: dict[tuple[int, int], MonthFiles] = {}
    first: dict[tuple[int, int, str], ReportFile] = {}
    for f in files:
        key = (f.provider_id, f.month)
        entry = result.setdefault(key, MonthFiles())
        if f.is_current:
            setattr(entry, f.kind, f)
        earliest = first.get((*key, f.kind))
        if earliest is None or (f.received_at, f.pk) < (earliest.received_at, earliest.pk):
            first[(*key, f.kind)] = f
    for (provider_id, month, kind), f in first.items():
        entry = result[(provider_id, month)]
        late_days = deadlines.days_late(received_at=f.received_at, due_on=due[month])
        setattr(entry, f"{kind}_on_time", late_days == 0)
        setattr(entry, f"{kind}_days_late", late_days)
    return result


def _month_due_passed(
    year: int, month: int, due: dict[int, datetime.date], today: datetime.date
) -> bool:
    return due[month] < today


@transaction.atomic
def score_year(
    *,
    measurement_year: MeasurementYear,
    provider_ids: Sequence[int] | None = None,
    today: datetime.date | None = None,
) -> int:
    """(Re)compute the stored MonthScores of a year: every month that has a file or whose
    reports are past due, for the given providers (default: every provider with a file or a
    score this year). Returns the number of months scored."""
    today = today or timezone.localdate()
    measurement_year = MeasurementYear.objects.get(pk=measurement_year.pk)  # settings as saved
    rules = year_rules(measurement_year)
    due = due_dates(measurement_year)
    files = ReportFile.objects.filter(measurement_year=measurement_year).only(
        "id",
        "provider_id",
        "month",
        "kind",
        "received_at",
        "is_current",
        "members",
        "counts",
    )
    if provider_ids is not None:
        files = files.filter(provider_id__in=provider_ids)
    by_month = month_files(files, due)
    providers = set(provider_ids or ()) | {p for p, _ in by_month}
    if provider_ids is None:
        providers |= set(
            MonthScore.objects.filter(measurement_year=measurement_year).values_list(
                "provider_id", flat=True
            )
        )
    bases = dict(
        ReimbursementBase.objects.filter(
            measurement_year=measurement_year, provider_id__in=providers
        ).values_list("provider_id", "amount")
    )
    rows = []
    for provider_id in sorted(providers):
        monthly_base = scoring.prorate(bases.get(provider_id, ZERO), months=1)
        for month in range(1, 13):
            entry = by_month.get((provider_id, month))
            if entry is None and not _month_due_passed(measurement_year.year, month, due, today):
                continue
            entry = entry or MonthFiles()
            figures = entry.figures(month)
            score = scoring.score_period(
                rules=rules, months=[figures], months_in_period=1, reimbursement=monthly_base
            )
            cost = scoring.lateness_cost(
                rules=rules, months=[figures], months_in_period=1, reimbursement=monthly_base
            ).get(month, ZERO)
            rows.append(
                MonthScore(
                    provider_id=provider_id,
                    measurement_year=measurement_year,
                    month=month,
                    rtf_file=entry.rtf,
                    otf_file=entry.otf,
                    rtf_on_time=entry.rtf_on_time,
                    otf_on_time=entry.otf_on_time,
                    rtf_days_late=entry.rtf_days_late,
                    otf_days_late=entry.otf_days_late,
                    members=figures.members,
                    eligible_members=figures.eligible_members,
                    counts=counts_to_json(dict(figures.counts)),
                    lines=lines_to_json(score),
                    points=score.points,
                    amount=score.amount,
                    lateness_cost=cost,
                )
            )
    MonthScore.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["provider", "measurement_year", "month"],
        update_fields=[
            "rtf_file",
            "otf_file",
            "rtf_on_time",
            "otf_on_time",
            "rtf_days_late",
            "otf_days_late",
            "members",
            "eligible_members",
            "counts",
            "lines",
            "points",
            "amount",
            "lateness_cost",
            "computed_at",
        ],
    )
    return len(rows)


def lines_to_json(score: scoring.Score) -> list[dict[str, Any]]:
    return [
        {
            "code": line.code,
            "numerator": line.count.numerator,
            "denominator": line.count.denominator,
            "rate": str(line.rate),
            "weight": str(line.weight),
            "points": line.points,
            "max_points": line.max_points,
            "target": str(line.target),
            "met": line.met,
        }
        for line in score.lines
    ]


def figures_from_scores(scores: Iterable[MonthScore]) -> list[scoring.MonthFigures]:
    return [
        scoring.MonthFigures(
            month=s.month,
            rtf_on_time=s.rtf_on_time,
            otf_on_time=s.otf_on_time,
            members=s.members,
            counts=counts_from_json(s.counts),
        )
        for s in scores
    ]


def period_score(
    *,
    measurement_year: MeasurementYear,
    scores: Sequence[MonthScore],
    months_in_period: int,
    reimbursement: Decimal = ZERO,
) -> scoring.Score:
    """The months of a period scored together (a payment run's line)."""
    return scoring.score_period(
        rules=year_rules(measurement_year),
        months=figures_from_scores(scores),
        months_in_period=months_in_period,
        reimbursement=scoring.prorate(reimbursement, months=months_in_period),
    )
