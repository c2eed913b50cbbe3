"""Reads of WQIP program years and opt-ins, scoped by user through ``visible_facilities``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from portal.models import (
    Facility,
    User,
)
from portal.registry.selectors import visible_facilities
from programs.wqip.models import (
    OptIn,
    OptInDocument,
    OptInExtension,
    OptInVersion,
    ProgramYear,
)

if TYPE_CHECKING:  # django-stubs is a dev dependency
    from django_stubs_ext import WithAnnotations


def visible_opt_ins(*, user: User) -> QuerySet[OptIn]:
    return OptIn.objects.filter(facility__in=visible_facilities(user=user)).select_related(
        "facility", "program_year"
    )


def program_years() -> QuerySet[ProgramYear]:
    return ProgramYear.objects.order_by("year")


def opted_in_facility_ids(*, year: int) -> set[int]:
    """Facilities with an APPROVED opt-in for the program year (contract §4)."""
    return set(
        OptIn.objects.filter(program_year__year=year, status=OptIn.Status.APPROVED).values_list(
            "facility_id", flat=True
        )
    )


def current_program_year() -> ProgramYear | None:
    """The program year of today's calendar year, else the latest one before it."""
    today = timezone.localdate()
    years = ProgramYear.objects.order_by("-year")
    return years.filter(year__lte=today.year).first() or years.last()


def facility_dashboard_rows(*, user: User, program_year: ProgramYear | None) -> list[dict]:  # type: ignore[type-arg]
    """The user's facilities with their opt-in for the program year (facility users)."""
    facilities = list(visible_facilities(user=user).order_by("name"))
    opt_ins = {}
    if program_year is not None:
        opt_ins = {
            o.facility_id: o
            for o in OptIn.objects.filter(facility__in=facilities, program_year=program_year)
        }
    return [{"facility": f, "opt_in": opt_ins.get(f.pk)} for f in facilities]


def plan_dashboard_counts(*, user: User, program_year: ProgramYear | None) -> dict:  # type: ignore[type-arg]
    """Counts for plan staff: facilities, eligible ones, opt-ins by status for the year."""
    facilities = visible_facilities(user=user)
    by_status: dict[str, int] = {}
    if program_year is not None:
        rows = (
            OptIn.objects.filter(facility__in=facilities, program_year=program_year)
            .values("status")
            .annotate(n=Count("id"))
        )
        by_status = {row["status"]: row["n"] for row in rows}
    eligible = facilities.filter(is_wqip_eligible=True).count()
    return {
        "facility_count": facilities.count(),
        "eligible_count": eligible,
        "opt_in_statuses": [
            {"status": value, "label": label, "count": by_status.get(value, 0)}
            for value, label in OptIn.Status.choices
        ],
        "opt_in_total": sum(by_status.values()),
        "eligible_without_opt_in": facilities.filter(is_wqip_eligible=True)
        .exclude(opt_ins__program_year=program_year)
        .count()
        if program_year is not None
        else eligible,
    }


# --- opt-ins ---------------------------------------------------------------------------
OPT_IN_REVIEW_SLA_WORKING_DAYS = 10  # wqip.md §9: opt-in review within 10 working days


def opt_in_documents_for(*, user: User) -> QuerySet[OptInDocument]:
    return OptInDocument.objects.filter(
        version__opt_in__facility__in=visible_facilities(user=user)
    ).select_related("version__opt_in__facility", "version__opt_in__program_year")


def opt_in_overview_for(*, user: User) -> list[dict[str, object]]:
    """One row per visible facility and program year, with the opt-in when there is one."""
    facilities = list(visible_facilities(user=user).order_by("name"))
    opt_ins = {
        (o.facility_id, o.program_year_id): o
        for o in visible_opt_ins(user=user).prefetch_related("versions")
    }
    return [
        {
            "facility": facility,
            "years": [
                {"program_year": py, "opt_in": opt_ins.get((facility.pk, py.pk))}
                for py in program_years().order_by("-year")
            ],
        }
        for facility in facilities
    ]


def review_overdue_cutoff() -> datetime.date:
    """Forms submitted before this day are past the review SLA: ``submitted + SLA working
    days`` (California state holidays and plan closure days excluded) is before today."""
    from portal.calendar.dates import add_working_days

    today = timezone.localdate()
    return add_working_days(start=today, days=-OPT_IN_REVIEW_SLA_WORKING_DAYS)


class ReviewAnnotations(TypedDict):
    """What ``opt_in_review_queue`` adds to each opt-in: its newest version's figures."""

    review_status: str
    review_number: int
    review_submitted_at: datetime.datetime | None


def opt_in_review_queue(
    *,
    user: User,
    program_year: int | None = None,
    status: str | None = None,
    county: str | None = None,
    overdue: bool = False,
    assigned_to: User | None = None,
) -> QuerySet[WithAnnotations[OptIn, ReviewAnnotations]]:
    """Opt-ins with a web form, annotated with the review status of their newest version."""
    newest = OptInVersion.objects.filter(opt_in=OuterRef("pk")).order_by("-number")
    queue = (
        visible_opt_ins(user=user)
        .filter(versions__isnull=False)
        .distinct()
        .annotate(
            review_status=Subquery(newest.values("status")[:1]),
            review_number=Subquery(newest.values("number")[:1]),
            review_submitted_at=Subquery(newest.values("submitted_at")[:1]),
        )
        .select_related("assigned_to")
    )
    if program_year:
        queue = queue.filter(program_year__year=program_year)
    if status:
        queue = queue.filter(review_status=status)
    else:
        queue = queue.exclude(review_status=OptInVersion.Status.DRAFT)
    if county:
        queue = queue.filter(facility__county__iexact=county)
    if assigned_to is not None:
        queue = queue.filter(assigned_to=assigned_to)
    if overdue:
        cutoff = review_overdue_cutoff()
        queue = queue.filter(
            review_status__in=[OptInVersion.Status.SUBMITTED, OptInVersion.Status.UNDER_REVIEW],
            review_submitted_at__date__lt=cutoff,
        )
    return queue.order_by("review_submitted_at", "facility__name")


def is_review_overdue(
    *, submitted_at: datetime.datetime | None, status: str, cutoff: datetime.date | None = None
) -> bool:
    """``cutoff`` (``review_overdue_cutoff()``) saves the holiday lookup in a loop."""
    if submitted_at is None or status not in ("submitted", "under_review"):
        return False
    cutoff = cutoff or review_overdue_cutoff()
    return timezone.localdate(submitted_at) < cutoff


def opt_in_counties() -> list[str]:
    return list(
        Facility.objects.exclude(county="")
        .order_by("county")
        .values_list("county", flat=True)
        .distinct()
    )


def facility_opt_in_years(*, facility: Facility) -> list[dict[str, object]]:
    """Every program year with the facility's opt-in for it (or None)."""
    opt_ins = {o.program_year_id: o for o in OptIn.objects.filter(facility=facility)}
    return [{"program_year": py, "opt_in": opt_ins.get(py.pk)} for py in program_years()]


# --- home page (programs.wqip.home) --------------------------------------------------------
AWAITING_REVIEW = (OptInVersion.Status.SUBMITTED, OptInVersion.Status.UNDER_REVIEW)


def opt_in_review_counts(*, user: User) -> dict[str, int]:
    """Opt-ins whose newest form waits for the plan, in one query: submitted, under review,
    past the 10-working-day review time, and those assigned to the user."""
    newest = OptInVersion.objects.filter(opt_in=OuterRef("pk")).order_by("-number")
    waiting = visible_opt_ins(user=user).annotate(
        review_status=Subquery(newest.values("status")[:1]),
        review_submitted_at=Subquery(newest.values("submitted_at")[:1]),
    )
    awaiting = Q(review_status__in=AWAITING_REVIEW)
    late = awaiting & Q(review_submitted_at__date__lt=review_overdue_cutoff())
    counts = waiting.order_by().aggregate(
        submitted=Count("pk", filter=Q(review_status=OptInVersion.Status.SUBMITTED)),
        under_review=Count("pk", filter=Q(review_status=OptInVersion.Status.UNDER_REVIEW)),
        overdue=Count("pk", filter=late),
        mine=Count("pk", filter=awaiting & Q(assigned_to=user)),
    )
    return {key: value or 0 for key, value in counts.items()}


def returned_opt_in_versions_for(*, user: User) -> QuerySet[OptInVersion]:
    """Opt-in forms (first editions or amendments) the plan returned for correction."""
    return (
        OptInVersion.objects.filter(
            status=OptInVersion.Status.RETURNED,
            opt_in__facility__in=visible_facilities(user=user),
        )
        .select_related("opt_in__facility", "opt_in__program_year")
        .order_by("reviewed_at", "pk")
    )


@dataclass(frozen=True)
class OpenOptInWindow:
    facility: Facility
    program_year: ProgramYear
    closes_on: datetime.date  # the facility's extension when later than the window
    opt_in: OptIn | None  # their draft, or None when not started


def open_opt_in_windows_for(*, user: User) -> list[OpenOptInWindow]:
    """Opt-in windows open today for the user's eligible facilities that have not submitted
    yet, closing soonest first. Four queries."""
    today = timezone.localdate()
    facilities = visible_facilities(user=user).filter(is_wqip_eligible=True)
    extended: dict[tuple[int, int], datetime.date] = {}
    for facility_id, year_id, extended_to in OptInExtension.objects.filter(
        facility__in=facilities, closes_on__gte=today
    ).values_list("facility_id", "program_year_id", "closes_on"):
        key = (facility_id, year_id)
        extended[key] = max(extended_to, extended.get(key, extended_to))
    years = list(
        ProgramYear.objects.filter(
            Q(opt_in_opens_on__lte=today, opt_in_closes_on__gte=today)
            | Q(pk__in={year_id for _, year_id in extended}, opt_in_opens_on__lte=today)
        )
    )
    facility_list = list(facilities.order_by("name"))
    opt_ins = {
        (o.facility_id, o.program_year_id): o
        for o in OptIn.objects.filter(facility__in=facility_list, program_year__in=years)
    }
    windows = []
    for year in years:
        for facility in facility_list:
            closes = [d for d in (year.opt_in_closes_on, extended.get((facility.pk, year.pk))) if d]
            closes_on = max(closes) if closes else None
            opt_in = opt_ins.get((facility.pk, year.pk))
            if closes_on is None or closes_on < today:
                continue
            if opt_in is None or opt_in.status == OptIn.Status.DRAFT:
                windows.append(OpenOptInWindow(facility, year, closes_on, opt_in))
    return sorted(windows, key=lambda w: (w.closes_on, w.facility.name))
