"""Reads of the bed-day result, scoped by user (every query starts from visible_facilities)."""

from __future__ import annotations

from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from portal.models import Facility, User
from portal.registry.selectors import visible_facilities
from programs.wqip.models import (
    BedDayAdjustment,
    BedDayComputation,
    BedDayMemberRange,
    BedDayMonth,
    BedDaySummary,
    ClaimImport,
    ProgramYear,
)
from programs.wqip.models.bed_days import (
    EXCLUSION_REASONS,
    OUTCOMES,
)


def bed_day_summaries_for(*, user: User, program_year: int) -> QuerySet[BedDaySummary]:
    return (
        BedDaySummary.objects.filter(
            program_year=program_year, facility__in=visible_facilities(user=user)
        )
        .select_related("facility", "computation")
        .order_by("facility__npi")
    )


REPORT_SORTS = {
    "npi": ("facility__npi",),
    "name": ("facility__name", "facility__npi"),
    "-name": ("-facility__name", "facility__npi"),
    "-qualifying": ("-qualifying_days", "facility__npi"),
    "qualifying": ("qualifying_days", "facility__npi"),
    "-excluded": ("-excluded", "facility__npi"),
    "excluded": ("excluded", "facility__npi"),
}


def search_bed_day_summaries(
    *, user: User, program_year: int, query: str = "", sort: str = "npi"
) -> QuerySet[BedDaySummary]:
    """The report's rows: visible facilities' summaries, by name or NPI, sorted."""
    summaries = bed_day_summaries_for(user=user, program_year=program_year).annotate(
        excluded=_excluded_days()
    )
    if query:
        summaries = summaries.filter(
            Q(facility__name__icontains=query) | Q(facility__npi__startswith=query)
        )
    return summaries.order_by(*REPORT_SORTS.get(sort, REPORT_SORTS["npi"]))


def bed_day_totals(summaries: QuerySet[BedDaySummary]) -> dict[str, int]:
    """Qualifying and excluded days over all the rows (not only the page shown), and how many
    rows there are (``count``: the report's paginator needs no query of its own)."""
    return summaries.order_by().aggregate(
        qualifying=Coalesce(Sum("qualifying_days"), 0),
        excluded=Coalesce(Sum(_excluded_days()), 0),
        count=Count("id"),
    )


def _excluded_days():  # type: ignore[no-untyped-def]
    return sum((F(reason) for reason in EXCLUSION_REASONS), Value(0))


def bed_day_summary_for(*, user: User, facility_id: int, program_year: int) -> BedDaySummary:
    """One facility's summary; another facility's is a DoesNotExist (404)."""
    return bed_day_summaries_for(user=user, program_year=program_year).get(facility_id=facility_id)


def bed_day_months_for(*, summary: BedDaySummary) -> list[BedDayMonth]:
    return list(
        BedDayMonth.objects.filter(
            computation_id=summary.computation_id, facility_id=summary.facility_id
        ).order_by("month")
    )


def member_bed_days_for(*, summary: BedDaySummary) -> QuerySet:
    """One row per member: days per outcome (``qualifying``, then the reasons)."""
    sums = {
        name: Sum("days", filter=Q(outcome=code), default=0) for code, name in enumerate(OUTCOMES)
    }
    return (
        BedDayMemberRange.objects.filter(
            computation_id=summary.computation_id, facility_id=summary.facility_id
        )
        .values("member_id")
        .annotate(
            first_day=Min("first_day"),
            last_day=Max("last_day"),
            # the range a "Dispute these days" link starts from: the first excluded one, if any
            dispute_range_id=Coalesce(Min("id", filter=~Q(outcome=0)), Min("id")),
            **sums,
        )
        .order_by("member_id")
    )


def claim_imports_for(*, user: User) -> QuerySet[ClaimImport]:
    return ClaimImport.objects.filter(uploaded_by__isnull=False).select_related(
        "uploaded_by", "job"
    )


def facility_for(*, user: User, facility_id: int) -> Facility:
    return visible_facilities(user=user).get(pk=facility_id)


def all_program_years() -> list[ProgramYear]:
    """Every program year, oldest first (one query)."""
    return list(ProgramYear.objects.order_by("year"))


def is_program_year(year: int) -> bool:
    return ProgramYear.objects.filter(year=year).exists()


def newest_computed_year(*, years: list[int]) -> int | None:
    """The newest of the program years with a finished bed-day computation."""
    return BedDayComputation.objects.filter(
        status=BedDayComputation.Status.FINISHED, program_year__in=years
    ).aggregate(newest=Max("program_year"))["newest"]


def bed_day_adjustments_awaiting_approval() -> QuerySet[BedDayAdjustment]:
    """Bed-day adjustments (from dispute determinations) no finance approver has approved."""
    return BedDayAdjustment.objects.filter(approved_at__isnull=True)
