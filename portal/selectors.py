"""Reads, scoped by user. Row visibility is declared here once; every view, export and API
starts from ``visible_facilities`` so another facility's object is a 404."""

from __future__ import annotations

from django.db.models import QuerySet

from portal.models import Facility, OptIn, ProgramYear, User
from portal.models.accounts import FACILITY_ROLES, PLAN_ROLES


def visible_facilities(*, user: User) -> QuerySet[Facility]:
    if not user.is_authenticated or not user.is_active:
        return Facility.objects.none()
    if user.is_superuser or user.role in PLAN_ROLES:
        return Facility.objects.all()
    if user.role in FACILITY_ROLES:
        return Facility.objects.filter(
            memberships__user=user, memberships__is_active=True
        ).distinct()
    return Facility.objects.none()


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
