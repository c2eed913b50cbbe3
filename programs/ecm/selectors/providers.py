"""ECM providers a user may see: every read starts here (row visibility is declared once, in
portal.registry.selectors)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from portal.models import Organisation, OrganisationKind, User
from portal.registry.selectors import visible_organisations


def providers_for(*, user: User) -> QuerySet[Organisation]:
    return visible_organisations(user=user).filter(kind=OrganisationKind.ECM_PROVIDER)


def provider_for(*, user: User, provider_id: int) -> Any:
    """The provider, or Organisation.DoesNotExist (a 404) when the user may not see it."""
    return providers_for(user=user).get(pk=provider_id)
