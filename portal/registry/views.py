"""Registry pages: the facility list and a facility's page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from portal.accounts.http import AuthenticatedRequest
from portal.navigation import facility_links, facility_sections
from portal.registry.forms import FacilityFilterForm
from portal.registry.selectors import (
    facility_counties,
    search_facilities,
    visible_facilities,
)

FACILITY_PAGE_SIZE = 25


def facility_list(request: AuthenticatedRequest) -> HttpResponse:
    form = FacilityFilterForm(request.GET or None, counties=facility_counties(user=request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    facilities = search_facilities(
        user=request.user,
        query=filters.get("q", ""),
        eligible=filters.get("eligible", ""),
        facility_type=filters.get("facility_type", ""),
        county=filters.get("county", ""),
        sort=filters.get("sort") or "name",
    )
    page = Paginator(facilities, FACILITY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/facilities/facility_list.html",
        {
            "form": form,
            "page": page,
            "total": page.paginator.count,
            "querystring": query.urlencode(),
            "is_filtered": any(
                filters.get(k) for k in ("q", "eligible", "facility_type", "county")
            ),
        },
    )


def facility_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    facility = get_object_or_404(visible_facilities(user=request.user), pk=pk)
    liaison = getattr(facility, "liaison_assignment", None)
    return render(
        request,
        "portal/facilities/facility_detail.html",
        {
            "facility": facility,
            "liaison": liaison,
            "links": facility_links(user=request.user, facility=facility),
            "sections": facility_sections(user=request.user, facility=facility),
        },
    )
