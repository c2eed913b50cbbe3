"""Reads of accounts: the users a provider administrator (of a SNF or an ECM provider)
manages."""

from __future__ import annotations

from django.db.models import QuerySet

from portal.accounts.models import (
    PROVIDER_ADMIN_ROLES,
    PROVIDER_ROLE_KINDS,
    ROLES_OF_KIND,
)
from portal.models import (
    Organisation,
    User,
)
from portal.registry.selectors import visible_organisations


def administered_facilities(*, user: User) -> QuerySet[Organisation]:
    """Organisations whose users this provider administrator manages (their own, of their
    kind: a SNF administrator's facilities, an ECM provider administrator's providers)."""
    if not user.is_authenticated or user.role not in PROVIDER_ADMIN_ROLES:
        return Organisation.objects.none()
    return visible_organisations(user=user)


def manageable_roles(*, admin: User) -> frozenset[str]:
    """The roles a provider administrator gives: those of their organisations' kind."""
    kind = PROVIDER_ROLE_KINDS.get(admin.role)
    if kind is None or admin.role not in PROVIDER_ADMIN_ROLES:
        return frozenset()
    return ROLES_OF_KIND[kind]


def facility_users_for(*, admin: User) -> QuerySet[User]:
    """Provider users (staff and administrators) of the administrator's organisations."""
    organisations = administered_facilities(user=admin)
    return (
        User.objects.filter(
            role__in=manageable_roles(admin=admin), memberships__organisation__in=organisations
        )
        .distinct()
        .prefetch_related("memberships__organisation")
        .order_by("email")
    )
