"""Who works cases and who sees which side of them (every kind of case asks these)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from portal.accounts.models import FACILITY_ROLES, PLAN_ROLES
from portal.models import Facility, Role, User

CASE_ROLES = frozenset({Role.LTSS_LIAISON, Role.PROGRAM_ADMIN})


def is_case_worker(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in CASE_ROLES)


def is_case_lead(user: User) -> bool:
    """Liaison leads reassign cases: the program administrators lead the liaison team."""
    return user.is_authenticated and (user.is_superuser or user.role == Role.PROGRAM_ADMIN)


def is_facility_user(user: User) -> bool:
    return user.is_authenticated and user.role in FACILITY_ROLES


def can_see_plan_side(user: User) -> bool:
    """Plan staff see internal notes and events; facility users never do."""
    return user.is_authenticated and (user.is_superuser or user.role in PLAN_ROLES)


def require_case_worker(user: User, what: str = "cases") -> None:
    if not is_case_worker(user):
        raise PermissionDenied(f"Only LTSS liaisons and program administrators work {what}.")


def is_member(user: User, facility: Facility) -> bool:
    return (
        is_facility_user(user) and facility.memberships.filter(user=user, is_active=True).exists()
    )


def require_member(user: User, facility: Facility, what: str = "cases") -> None:
    if not is_member(user, facility):
        raise PermissionDenied(f"Only users of the facility can file or change its {what}.")


def case_workers() -> QuerySet[User]:
    """Who cases can be assigned to: active liaisons and program administrators."""
    return User.objects.filter(
        Q(role__in=[Role.LTSS_LIAISON, Role.PROGRAM_ADMIN]) | Q(is_superuser=True), is_active=True
    ).order_by("full_name", "email")
