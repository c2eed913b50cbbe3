"""Reads of CDPH citations, scoped by user."""

from __future__ import annotations

from django.db.models import QuerySet

from portal.models import User
from portal.registry.selectors import visible_facilities
from programs.wqip.models import Citation


def citations_for(*, user: User) -> QuerySet[Citation]:
    return Citation.objects.filter(facility__in=visible_facilities(user=user)).select_related(
        "facility"
    )
