"""Reads of the registry, scoped by user. Row visibility is declared here once; every view,
export and API starts from ``visible_facilities`` so another facility's object is a 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from portal.accounts.models import (
    FACILITY_ROLES,
    PLAN_ROLES,
)
from portal.models import (
    Facility,
    User,
)

FACILITY_SORTS = {
    "name": ("name", "npi"),
    "-name": ("-name", "npi"),
    "county": ("county", "name"),
    "-county": ("-county", "name"),
    "beds": ("licensed_beds", "name"),
    "-beds": ("-licensed_beds", "name"),
}


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


def search_facilities(
    *,
    user: User,
    query: str = "",
    eligible: str = "",
    facility_type: str = "",
    county: str = "",
    sort: str = "name",
) -> QuerySet[Facility]:
    facilities = visible_facilities(user=user)
    if query:
        facilities = facilities.filter(
            Q(name__icontains=query)
            | Q(npi__startswith=query)
            | Q(hcai_id__startswith=query)
            | Q(cdph_facid__startswith=query)
        )
    if eligible in ("yes", "no"):
        facilities = facilities.filter(is_wqip_eligible=eligible == "yes")
    if facility_type:
        facilities = facilities.filter(facility_type=facility_type)
    if county:
        facilities = facilities.filter(county=county)
    order = FACILITY_SORTS.get(sort, FACILITY_SORTS["name"])
    return facilities.order_by(*order)


def facility_counties(*, user: User) -> list[str]:
    return list(
        visible_facilities(user=user)
        .exclude(county="")
        .order_by("county")
        .values_list("county", flat=True)
        .distinct()
    )
