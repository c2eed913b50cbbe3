"""A month's member-level measures from the rows of its files in force (pure).

RTF (one row per member): the members counted are the distinct CINs whose ECM status is one
of the year's counted statuses; of them,
* encounter in month: the date of the most recent encounter falls in the reporting month;
* care plan current: the latest care plan revision is within the 12 months up to the month's
  last day;
* assessment completed: a completed assessment is dated on or before the month's last day.
OTF (one row per outreach attempt): successful attempts over attempts.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from programs.ecm.engine.scoring import (
    ASSESSMENT_COMPLETED,
    CARE_PLAN_CURRENT,
    ENCOUNTER_IN_MONTH,
    OUTREACH_SUCCESS,
    Count,
)


@dataclass(frozen=True)
class RtfMember:
    cin: str
    ecm_status: str
    last_encounter: datetime.date | None = None
    care_plan_revised: datetime.date | None = None
    assessment_completed: datetime.date | None = None


@dataclass(frozen=True)
class OtfAttempt:
    cin: str
    successful: bool


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return (
        datetime.date(year, month, 1),
        datetime.date(year, month, calendar.monthrange(year, month)[1]),
    )


def year_before(day: datetime.date) -> datetime.date:
    """The day after the same date a year earlier (29 Feb -> 1 Mar)."""
    try:
        return day.replace(year=day.year - 1) + datetime.timedelta(days=1)
    except ValueError:
        return datetime.date(day.year - 1, 3, 1)


def rtf_counts(
    rows: Iterable[RtfMember], *, year: int, month: int, counted_statuses: Collection[str]
) -> tuple[int, dict[str, Count]]:
    """(members counted, the RTF measures) for the reporting month."""
    first, last = month_bounds(year, month)
    plan_from = year_before(last)
    members: dict[str, RtfMember] = {}
    for row in rows:
        if row.ecm_status in counted_statuses:
            members[row.cin] = row  # a member listed twice counts once (the last row)
    total = len(members)
    encounter = sum(
        1 for r in members.values() if r.last_encounter and first <= r.last_encounter <= last
    )
    plan = sum(
        1
        for r in members.values()
        if r.care_plan_revised and plan_from <= r.care_plan_revised <= last
    )
    assessed = sum(
        1 for r in members.values() if r.assessment_completed and r.assessment_completed <= last
    )
    return total, {
        ENCOUNTER_IN_MONTH: Count(encounter, total),
        CARE_PLAN_CURRENT: Count(plan, total),
        ASSESSMENT_COMPLETED: Count(assessed, total),
    }


def otf_counts(rows: Iterable[OtfAttempt]) -> dict[str, Count]:
    attempts = successes = 0
    for row in rows:
        attempts += 1
        successes += 1 if row.successful else 0
    return {OUTREACH_SUCCESS: Count(successes, attempts)}
