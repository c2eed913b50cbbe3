"""Reads of accounts: the users a facility administrator manages."""

from __future__ import annotations

from django.db.models import QuerySet

from portal.accounts.models import (
    FACILITY_ROLES,
    Role,
)
from portal.models import (
    Facility,
    User,
)
from portal.registry.selectors import visible_facilities


def administered_facilities(*, user: User) -> QuerySet[Facility]:
    """Facilities whose users this facility administrator manages."""
    if not user.is_authenticated or user.role != Role.FACILITY_ADMIN:
        return Facility.objects.none()
    return visible_facilities(user=user)


def facility_users_for(*, admin: User) -> QuerySet[User]:
    """Facility users (staff and administrators) of the administrator's facilities."""
    facilities = administered_facilities(user=admin)
    return (
        User.objects.filter(role__in=FACILITY_ROLES, memberships__facility__in=facilities)
        .distinct()
        .prefetch_related("memberships__facility")
        .order_by("email")
    )
