"""Who works cases and who sees which side of them (every kind of case asks these).

Each kind of provider organisation has its plan team: the LTSS liaisons for SNFs, the ECM
program managers for ECM providers; program administrators lead both (they reassign).
``is_case_worker`` (no kind) is the SNF team, who work disputes and opt-in reviews."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from portal.accounts.models import FACILITY_ROLES, PLAN_ROLES, PROVIDER_ROLES, STAFF_ROLES
from portal.models import Organisation, Role, User
from portal.registry.models import OrganisationKind

CASE_ROLES = frozenset({Role.LTSS_LIAISON, Role.PROGRAM_ADMIN})
TEAM_ROLES: dict[str, frozenset[str]] = {
    OrganisationKind.SNF: CASE_ROLES,
    OrganisationKind.ECM_PROVIDER: frozenset({Role.ECM_PROGRAM_MANAGER, Role.PROGRAM_ADMIN}),
}
ALL_CASE_ROLES = frozenset().union(*TEAM_ROLES.values())


def is_case_worker(user: User) -> bool:
    """A member of the SNF team (liaisons, program administrators)."""
    return user.is_authenticated and (user.is_superuser or user.role in CASE_ROLES)


def is_case_worker_of(user: User, kind: str) -> bool:
    """A member of the plan team that works the cases of ``kind`` organisations."""
    return user.is_authenticated and (
        user.is_superuser or user.role in TEAM_ROLES.get(kind, CASE_ROLES)
    )


def is_any_case_worker(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in ALL_CASE_ROLES)


def case_kinds(user: User) -> list[str]:
    """The kinds of organisation whose cases the user works."""
    return [kind for kind in TEAM_ROLES if is_case_worker_of(user, kind)]


def is_case_lead(user: User) -> bool:
    """Liaison leads reassign cases: the program administrators lead the plan's teams."""
    return user.is_authenticated and (user.is_superuser or user.role == Role.PROGRAM_ADMIN)


def is_facility_user(user: User) -> bool:
    """A SNF user (disputes and the WQIP pages are theirs)."""
    return user.is_authenticated and user.role in FACILITY_ROLES


def is_provider_user(user: User) -> bool:
    """A user of a provider organisation of any kind (inquiries are theirs)."""
    return user.is_authenticated and user.role in PROVIDER_ROLES


def can_see_plan_side(user: User) -> bool:
    """Plan staff see internal notes and events; provider users never do."""
    return user.is_authenticated and (user.is_superuser or user.role in PLAN_ROLES)


def can_see_staff_side(user: User) -> bool:
    """Every member of the plan's staff (the ECM program managers too)."""
    return user.is_authenticated and (user.is_superuser or user.role in STAFF_ROLES)


def require_case_worker(user: User, what: str = "cases") -> None:
    if not is_case_worker(user):
        raise PermissionDenied(f"Only LTSS liaisons and program administrators work {what}.")


def require_case_worker_of(user: User, kind: str, what: str = "cases") -> None:
    if not is_case_worker_of(user, kind):
        raise PermissionDenied(f"Only the plan's team of these organisations works their {what}.")


def is_member(user: User, organisation: Organisation) -> bool:
    return (
        is_provider_user(user)
        and organisation.memberships.filter(user=user, is_active=True).exists()
    )


def require_member(user: User, organisation: Organisation, what: str = "cases") -> None:
    if not is_member(user, organisation):
        raise PermissionDenied(f"Only users of the organisation can file or change its {what}.")


def case_workers(kind: str | None = None) -> QuerySet[User]:
    """Who cases (of ``kind`` organisations, default SNFs) can be assigned to."""
    roles = TEAM_ROLES.get(kind or OrganisationKind.SNF, CASE_ROLES)
    return User.objects.filter(Q(role__in=roles) | Q(is_superuser=True), is_active=True).order_by(
        "full_name", "email"
    )
