"""SNF bed-day reports (contract §2, §6) and the finance claims upload."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts.http import AuthenticatedRequest
from portal.accounts.models import FINANCE_ROLES
from portal.audit.services import log_access
from portal.files.uploads import SizeLimitUploadHandler, body_too_large, human_size
from portal.masking import mask_member_id
from portal.pagecache import PageCache
from portal.params import int_param, text_param
from programs.wqip.models import BedDaySummary, ProgramYear
from programs.wqip.models.bed_days import (
    EXCLUSION_REASONS,
    OUTCOME_LABELS,
    OUTCOMES,
)
from programs.wqip.selectors.bed_days import (
    REPORT_SORTS,
    all_program_years,
    bed_day_months_for,
    bed_day_summary_for,
    bed_day_totals,
    claim_imports_for,
    is_program_year,
    member_bed_days_for,
    newest_computed_year,
    search_bed_day_summaries,
)
from programs.wqip.services.bed_days import queue_bed_day_computation
from programs.wqip.services.claims_import import (
    claim_import_progress,
    start_claim_import,
)

MEMBERS_PER_PAGE = 50
REPORT_PAGE_SIZE = 50
REPORT_SORT_LABELS = {
    "npi": "NPI",
    "name": "Facility name (A-Z)",
    "-name": "Facility name (Z-A)",
    "-qualifying": "Most qualifying days",
    "qualifying": "Fewest qualifying days",
    "-excluded": "Most excluded days",
    "excluded": "Fewest excluded days",
}
CHART_HEIGHT = 160


def finance_only(view):  # type: ignore[no-untyped-def]
    @wraps(view)
    def wrapper(request: AuthenticatedRequest, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not (request.user.is_superuser or request.user.role in FINANCE_ROLES):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _year(request: AuthenticatedRequest, program_years: list[ProgramYear] | None = None) -> int:
    """The asked year if it is a program year, else the newest computed one, else the
    current one. ``program_years``: the rows when the caller has them (one query less)."""
    years = [y.year for y in (all_program_years() if program_years is None else program_years)]
    year = int_param(request.GET.get("year"))
    if year is None or year not in years:
        # the newest year with computed bed days, else the current program year
        computed = newest_computed_year(years=years)
        current = [y for y in years if y <= timezone.localdate().year]
        year = computed or (max(current) if current else 2024)
    return year


class _CountedPaginator(Paginator):
    """A paginator told its row count (computed with the totals in one query)."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:  # type: ignore[no-untyped-def]
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:  # type: ignore[override]
        return self._known_count


def _reason_rows(summary: BedDaySummary) -> list[tuple[str, int]]:
    rows = [("qualifying", summary.qualifying_days)]
    rows += [(reason, getattr(summary, reason)) for reason in EXCLUSION_REASONS]
    return rows


def bed_day_report(request: AuthenticatedRequest) -> HttpResponse:
    cached = PageCache(request, "wqip:bed_day_report")
    if cached.hit:
        return cached.response("wqip/bed_day_report.html")
    program_years = all_program_years()
    year = _year(request, program_years)
    query = text_param(request.GET.get("q"), max_length=100)
    sort = text_param(request.GET.get("sort"), max_length=20)
    sort = sort if sort in REPORT_SORTS else "npi"
    summaries = search_bed_day_summaries(
        user=request.user, program_year=year, query=query, sort=sort
    )
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        header = ["facility_npi", "facility_name", "program_year", *OUTCOMES]
        rows = [
            [s.facility.npi, s.facility.name, year, *(days for _, days in _reason_rows(s))]
            for s in summaries
        ]
        return _download(fmt, f"bed_days_{year}", header, rows)
    totals = bed_day_totals(summaries)
    page = _CountedPaginator(summaries, REPORT_PAGE_SIZE, count=totals["count"]).get_page(
        request.GET.get("page")
    )
    # the cleaned values only: pagination and download links never repeat what was refused
    params = {"year": year, **({"q": query} if query else {}), "sort": sort}
    return cached.render(
        "wqip/bed_day_report.html",
        {
            "year": year,
            "years": program_years,
            "page": page,
            "query": query,
            "sort": sort,
            "sorts": REPORT_SORT_LABELS,
            "querystring": urlencode(params),
            "reason_labels": [OUTCOME_LABELS[reason] for reason in EXCLUSION_REASONS],
            "total_qualifying": totals["qualifying"],
            "total_excluded": totals["excluded"],
            "can_compute": request.user.is_superuser or request.user.role in FINANCE_ROLES,
        },
    )


def _chart(months) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    by_month = {m.month: m for m in months}
    peak = max([m.qualifying_days + m.excluded_days for m in months] or [0]) or 1
    bars = []
    for month in range(1, 13):
        m = by_month.get(month)
        qualifying = m.qualifying_days if m else 0
        excluded = m.excluded_days if m else 0
        q_height = round(CHART_HEIGHT * qualifying / peak)
        x_height = round(CHART_HEIGHT * excluded / peak)
        bars.append(
            {
                "month": month,
                "label": [
                    "Jan",
                    "Feb",
                    "Mar",
                    "Apr",
                    "May",
                    "Jun",
                    "Jul",
                    "Aug",
                    "Sep",
                    "Oct",
                    "Nov",
                    "Dec",
                ][month - 1],
                "qualifying": qualifying,
                "excluded": excluded,
                "x": 40 + (month - 1) * 50,
                "q_y": 10 + CHART_HEIGHT - q_height,
                "q_height": q_height,
                "x_y": 10 + CHART_HEIGHT - q_height - x_height,
                "x_height": x_height,
            }
        )
    return bars


def _member_rows(page, *, masked: bool) -> list[list[object]]:  # type: ignore[no-untyped-def]
    return [
        [
            mask_member_id(row["member_id"]) if masked else row["member_id"],
            row["first_day"],
            row["last_day"],
            *(row[name] for name in OUTCOMES),
        ]
        for row in page
    ]


def _log_member_view(
    request: AuthenticatedRequest, summary: BedDaySummary, rows: int, masked: bool, what: str
) -> None:
    log_access(
        user=request.user,
        facility=summary.facility,
        what=what,
        path=request.get_full_path(),
        row_count=rows,
        masked=masked,
    )


def bed_day_facility(request: AuthenticatedRequest, facility_id: int) -> HttpResponse:
    cached = PageCache(request, "wqip:bed_day_facility")
    if cached.hit:
        # every view of the member rows is in the access log, cached or not
        log_access(user=request.user, path=request.get_full_path(), **cached.data)
        return cached.response("wqip/bed_day_facility.html")
    year = _year(request)
    try:
        summary = bed_day_summary_for(user=request.user, facility_id=facility_id, program_year=year)
    except BedDaySummary.DoesNotExist:
        raise Http404("no bed days for this facility and year") from None
    masked = request.user.is_facility_user
    members = member_bed_days_for(summary=summary)
    fmt = request.GET.get("format", "")
    header = ["member_id", "first_day", "last_day", *OUTCOMES]
    if fmt in ("csv", "xlsx"):
        rows = _member_rows(members, masked=masked)
        _log_member_view(request, summary, len(rows), masked, f"bed-day members {year} ({fmt})")
        return _download(fmt, f"bed_days_{summary.facility.npi}_{year}", header, rows)
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    rows = _member_rows(page, masked=masked)
    # facility users may dispute a member's days straight from the drill-down
    dispute_ranges = [row["dispute_range_id"] if masked else None for row in page]
    _log_member_view(request, summary, len(rows), masked, f"bed-day members {year}")
    cached.data = {
        "facility_id": summary.facility_id,
        "what": f"bed-day members {year}",
        "row_count": len(rows),
        "masked": masked,
    }
    return cached.render(
        "wqip/bed_day_facility.html",
        {
            "year": year,
            "summary": summary,
            "facility": summary.facility,
            "reason_rows": [
                (OUTCOME_LABELS[reason], days) for reason, days in _reason_rows(summary)
            ],
            "bars": _chart(bed_day_months_for(summary=summary)),
            "chart_height": CHART_HEIGHT + 40,
            "page": page,
            "member_rows": [
                {"values": values, "dispute_range": range_id}
                for values, range_id in zip(rows, dispute_ranges, strict=True)
            ],
            "can_dispute": masked,
            "page_querystring": f"year={year}",
            "member_header": [
                "Member ID",
                "First day",
                "Last day",
                *(OUTCOME_LABELS[outcome] for outcome in OUTCOMES),
            ],
            "masked": masked,
        },
    )


@require_POST
@finance_only
def bed_day_compute(request: AuthenticatedRequest) -> HttpResponse:
    year = int_param(request.POST.get("year"), min_value=1)
    if year is None or not is_program_year(year):
        raise Http404("unknown program year")
    queue_bed_day_computation(program_year=year, actor=request.user)
    messages.info(request, f"Bed days for {year} are being computed.")
    return redirect(f"{reverse('wqip:bed_day_report')}?year={year}")


def _download(
    fmt: str, name: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("bed days")
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
        out_bytes = io.BytesIO()
        workbook.save(out_bytes)
        response = HttpResponse(
            out_bytes.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


class ClaimUploadForm(forms.Form):
    file = forms.FileField(label="Claims file (claims.csv)")

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        limit = settings.WQIP_CLAIMS_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {human_size(upload.size)}; claims files can be at most "
                f"{human_size(limit)}. Nothing was uploaded."
            )
        return upload


def _too_large_page(request: AuthenticatedRequest) -> HttpResponse:
    form = ClaimUploadForm()
    form.errors["file"] = form.error_class(
        [
            "The file is larger than the claims upload limit "
            f"({human_size(settings.WQIP_CLAIMS_UPLOAD_MAX_BYTES)}). Nothing was uploaded."
        ]
    )
    context = {"form": form, "imports": claim_imports_for(user=request.user)[:10]}
    return render(request, "wqip/claim_upload.html", context, status=413)


# A claims file may be large (WQIP_CLAIMS_UPLOAD_MAX_BYTES, 2 GB by default): its size is
# checked before the body is read, and while it is streamed to a temporary file; so the CSRF
# check (which reads the body) runs after, in _claim_upload.
@csrf_exempt
@finance_only
@require_http_methods(["GET", "POST"])
def claim_upload(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "POST":
        limit = settings.WQIP_CLAIMS_UPLOAD_MAX_BYTES
        if body_too_large(request, limit):
            return _too_large_page(request)
        if not hasattr(request, "_files"):  # the body is not read yet (no layer touched it)
            request.upload_handlers.insert(0, SizeLimitUploadHandler(request, limit=limit))
    return _claim_upload(request)


@csrf_protect
def _claim_upload(request: AuthenticatedRequest) -> HttpResponse:
    form = ClaimUploadForm(request.POST or None, request.FILES or None)
    if getattr(request, "upload_too_large", False):
        return _too_large_page(request)
    if request.method == "POST" and form.is_valid():
        claim_import = start_claim_import(
            uploaded_file=form.cleaned_data["file"], actor=request.user
        )
        return redirect("wqip:claim_import_detail", pk=claim_import.pk)
    return render(
        request,
        "wqip/claim_upload.html",
        {"form": form, "imports": claim_imports_for(user=request.user)[:10]},
    )


@finance_only
def claim_import_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    claim_import = get_object_or_404(claim_imports_for(user=request.user), pk=pk)
    return render(
        request,
        "wqip/claim_import_detail.html",
        {"claim_import": claim_import, "errors": claim_import.error_report.splitlines()[:500]},
    )


@finance_only
def claim_import_status(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    claim_import = get_object_or_404(claim_imports_for(user=request.user), pk=pk)
    progress = claim_import_progress(claim_import=claim_import)
    return JsonResponse(
        {
            "status": claim_import.status,
            "done": claim_import.is_done,
            "stage": progress["stage"],
            "percent": 100 if claim_import.is_done else round(100 * float(progress["fraction"])),
            "summary": claim_import.summary,
        }
    )
