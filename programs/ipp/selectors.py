"""IPP reads. Applications start from ``visible_organisations``: a provider sees its own
organisations' applications only (another's is a 404)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from portal.models import User
from portal.registry.selectors import visible_organisations
from programs.ipp.models import IppApplication, IppProgramYear
from programs.ipp.navigation import is_ipp_plan_user


def applications_for(*, user: User) -> QuerySet[IppApplication]:
    applications = IppApplication.objects.select_related("organisation", "program_year")
    if is_ipp_plan_user(user):
        return applications
    return applications.filter(organisation__in=visible_organisations(user=user))


def application_for(*, user: User, pk: int) -> IppApplication:
    return get_object_or_404(
        applications_for(user=user).prefetch_related("budget_lines", "documents"), pk=pk
    )


def program_years() -> QuerySet[IppProgramYear]:
    return IppProgramYear.objects.order_by("number")
