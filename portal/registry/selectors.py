"""Reads of the registry, scoped by user. Row visibility is declared here once; every view,
export and API starts from ``visible_organisations`` (or, for SNF pages, ``visible_facilities``)
so another organisation's object is a 404.

Who sees which organisations:
- a provider user: the organisations they are an active member of, of their role's kind only
  (an ECM provider user never sees a SNF, even if a membership said so);
- the plan's SNF staff and finance (PLAN_ROLES): every organisation (finance pays every kind);
- the ECM program manager: every ECM provider."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from portal.accounts.models import (
    PLAN_ROLES,
    PROVIDER_ROLE_KINDS,
    Role,
)
from portal.models import (
    Facility,
    Organisation,
    User,
)
from portal.registry.models import OrganisationKind

# plan roles that see every organisation of some kinds only
STAFF_ROLE_KINDS: dict[str, tuple[str, ...]] = {
    Role.ECM_PROGRAM_MANAGER: (OrganisationKind.ECM_PROVIDER,)
}

FACILITY_SORTS = {
    "name": ("name", "npi"),
    "-name": ("-name", "npi"),
    "county": ("county", "name"),
    "-county": ("-county", "name"),
    "beds": ("licensed_beds", "name"),
    "-beds": ("-licensed_beds", "name"),
}


def _visibility(user: User) -> tuple[bool, tuple[str, ...] | None]:
    """(by membership only, kinds or None for every kind)."""
    if user.is_superuser or user.role in PLAN_ROLES:
        return False, None
    if user.role in STAFF_ROLE_KINDS:
        return False, STAFF_ROLE_KINDS[user.role]
    if user.role in PROVIDER_ROLE_KINDS:
        return True, (PROVIDER_ROLE_KINDS[user.role],)
    return True, ()


def visible_organisations(*, user: User) -> QuerySet[Organisation]:
    """The provider organisations (of every kind) the user may see."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    by_membership, kinds = _visibility(user)
    organisations = Organisation.objects.all()
    if kinds is not None:
        organisations = organisations.filter(kind__in=kinds)
    if by_membership:
        organisations = organisations.filter(
            pk__in=user.memberships.filter(is_active=True).values("organisation_id")
        )
    return organisations


def visible_facilities(*, user: User) -> QuerySet[Facility]:
    """The SNFs the user may see: the facilities among ``visible_organisations``."""
    if not user.is_authenticated or not user.is_active:
        return Facility.objects.none()
    by_membership, kinds = _visibility(user)
    if kinds is not None and OrganisationKind.SNF not in kinds:
        return Facility.objects.none()
    if not by_membership:
        return Facility.objects.all()
    return Facility.objects.filter(
        pk__in=user.memberships.filter(is_active=True).values("organisation_id")
    )


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


def as_facility(organisation: Organisation) -> Organisation:
    """The organisation as its SNF ``Facility`` (with the SNF facts: WQIP eligibility ...) when
    it is one, else the organisation itself. No query when the organisation was read with
    ``select_related("facility")``."""
    try:
        return organisation.facility  # type: ignore[no-any-return, attr-defined]
    except Facility.DoesNotExist:
        return organisation


def facility_counties(*, user: User) -> list[str]:
    return list(
        visible_facilities(user=user)
        .exclude(county="")
        .order_by("county")
        .values_list("county", flat=True)
        .distinct()
    )
