"""Dashboards: a provider's year (its months, what was late, what it cost, what to improve)
and the plan's view of every provider (sortable, CSV/XLSX)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from portal.accounts.http import AuthenticatedRequest
from portal.params import int_param
from programs.ecm.access import ecm_required, is_plan, plan_required
from programs.ecm.engine.scoring import MEASURE_LABELS
from programs.ecm.models import MeasurementYear
from programs.ecm.selectors.providers import providers_for
from programs.ecm.selectors.reports import SORTS, month_scores, plan_overview, year_to_date
from programs.ecm.views.files import _provider

MONTH_NAMES = [
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _year(request: AuthenticatedRequest, year: int | None = None) -> MeasurementYear:
    years = MeasurementYear.objects.prefetch_related("measures", "bands")
    wanted = year or int_param(request.GET.get("year"))
    found = years.filter(year=wanted).first() if wanted else years.order_by("-year").first()
    if found is None:
        raise Http404("no measurement year")
    return found


@ecm_required
def ecm_home(request: AuthenticatedRequest) -> HttpResponse:
    if is_plan(request.user):
        return redirect("ecm:plan_dashboard")
    provider = providers_for(user=request.user).order_by("name").first()
    if provider is None:
        raise Http404
    return redirect("ecm:provider_dashboard", provider_id=provider.pk)


@ecm_required
def provider_dashboard(request: AuthenticatedRequest, provider_id: int) -> HttpResponse:
    provider = _provider(request, provider_id)
    measurement_year = _year(request)
    scores = month_scores(
        user=request.user, provider_id=provider.pk, measurement_year=measurement_year
    )
    ytd = year_to_date(measurement_year=measurement_year, scores=scores, provider_id=provider.pk)
    for s in scores:
        s.month_name = MONTH_NAMES[s.month]  # type: ignore[attr-defined]
    return render(
        request,
        "ecm/provider_dashboard.html",
        {
            "provider": provider,
            "measurement_year": measurement_year,
            "years": MeasurementYear.objects.order_by("-year").values_list("year", flat=True),
            "scores": scores,
            "ytd": ytd,
            "labels": MEASURE_LABELS,
            "is_plan": is_plan(request.user),
        },
    )


PLAN_PAGE_SIZE = 50
COLUMNS = [
    ("name", "Provider"),
    ("npi", "NPI"),
    ("months", "Months scored"),
    ("late", "Late months"),
    ("members", "Eligible member-months"),
    ("amount", "Earned so far"),
    ("cost", "Cost of lateness"),
]


@plan_required
def plan_dashboard(request: AuthenticatedRequest) -> HttpResponse:
    measurement_year = _year(request)
    sort = request.GET.get("sort", "name")
    sort = sort if sort in SORTS else "name"
    descending = request.GET.get("dir") == "desc"
    direction = "desc" if descending else "asc"
    page = Paginator(
        plan_overview(
            user=request.user,
            measurement_year=measurement_year,
            sort=sort,
            descending=descending,
        ),
        PLAN_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    headers = [
        {
            "key": key,
            "label": label,
            "current": key == sort,
            "next_dir": "asc" if key == sort and descending else ("desc" if key == sort else "asc"),
            "aria_sort": ("descending" if descending else "ascending") if key == sort else "",
        }
        for key, label in COLUMNS
    ]
    return render(
        request,
        "ecm/plan_dashboard.html",
        {
            "measurement_year": measurement_year,
            "years": MeasurementYear.objects.order_by("-year").values_list("year", flat=True),
            "rows": list(page),
            "page": page,
            "querystring": f"year={measurement_year.year}&sort={sort}&dir={direction}",
            "headers": headers,
            "sort": sort,
            "dir": "desc" if descending else "asc",
        },
    )


EXPORT_HEADER = [
    "provider_name",
    "provider_npi",
    "year",
    "months_scored",
    "late_months",
    "months_missing_a_file",
    "eligible_member_months",
    "earned_amount",
    "lateness_cost",
]


@plan_required
def plan_export(request: AuthenticatedRequest, fmt: str) -> HttpResponse:
    measurement_year = _year(request)
    rows = [
        [
            r["name"],
            r["npi"],
            measurement_year.year,
            r["months"],
            r["late_months"],
            r["missing_months"],
            r["member_months"],
            r["amount"],
            r["cost"],
        ]
        for r in plan_overview(user=request.user, measurement_year=measurement_year)
    ]
    name = f"ecm_qip_{measurement_year.year}_providers"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        writer = csv.writer(response, lineterminator="\n")
        writer.writerow(EXPORT_HEADER)
        writer.writerows(
            [[f"{v:.2f}" if isinstance(v, Decimal) else v for v in row] for row in rows]
        )
        return response
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = f"ECM QIP {measurement_year.year}"
        sheet.append(EXPORT_HEADER)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    raise Http404("unknown export format")
