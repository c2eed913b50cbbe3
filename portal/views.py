from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal.selectors import program_years, visible_facilities


def home(request: HttpRequest) -> HttpResponse:
    facilities = visible_facilities(user=request.user)
    return render(
        request,
        "portal/home.html",
        {
            "facilities": facilities[:20],
            "facility_count": facilities.count(),
            "program_years": program_years(),
        },
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
