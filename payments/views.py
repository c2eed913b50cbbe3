"""Finance pages (payment runs, approval, uploads), ledger balances, the facility payment page
and remittance statements. Reads go through payments.selectors; writes through services."""

from __future__ import annotations

import csv
import io
import tempfile
from collections import defaultdict
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from payments import selectors, services
from payments.engine.citations import CitationEffect, attributed_year, plain_words
from payments.exports import PAYMENT_COLUMNS, payment_row
from payments.forms import (
    ApproveRunForm,
    CitationUploadForm,
    OptInUploadForm,
    PerDiemUploadForm,
    StartRunForm,
)
from payments.models import LedgerEntry, PaymentLine, PaymentRun
from portal import services as portal_services
from portal.csvio import CsvImportError
from portal.models import Role
from portal.pdf import html_to_pdf
from portal.selectors import visible_facilities

LIST_PAGE_SIZE = 50
RUN_LINE_SORT_LABELS = {
    "npi": "NPI",
    "name": "Facility name (A-Z)",
    "-name": "Facility name (Z-A)",
    "-net": "Net amount (high to low)",
    "net": "Net amount (low to high)",
    "-gross": "Gross amount (high to low)",
}
LEDGER_SORT_LABELS = {
    "name": "Facility name (A-Z)",
    "-name": "Facility name (Z-A)",
    "npi": "NPI",
    "-balance": "Balance (high to low)",
    "balance": "Balance (low to high)",
}


def _list_params(request: HttpRequest, *, sorts: Mapping[str, str], default: str) -> dict[str, Any]:
    """The page number, search and sort of a paginated list; anything else falls back quietly
    (page 1, no search, the default order)."""
    page = request.GET.get("page", "")
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    sort = request.GET.get("sort", "")
    return {
        "page_number": int(page) if page.isascii() and page.isdigit() and len(page) <= 6 else 1,
        "query": query,
        "sort": sort if sort in sorts else default,
    }


def _list_context(rows: QuerySet, params: dict[str, Any], sorts: dict[str, str]) -> dict[str, Any]:  # type: ignore[type-arg]
    """One page of the rows (50), with what the search form and the page links need."""
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(max(params["page_number"], 1))
    kept = {"q": params["query"], "sort": params["sort"]}
    return {
        "page": page,
        "query": params["query"],
        "sort": params["sort"],
        "sorts": sorts,
        "querystring": urlencode({name: value for name, value in kept.items() if value}),
    }


def finance_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.is_finance(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _is_past_due(*, due_on, paid_on, net) -> bool:  # type: ignore[no-untyped-def]
    """Money to move (net not zero) that was posted, or is still unposted, after its due date."""
    if net == 0:
        return False
    return (paid_on or timezone.localdate()) > due_on


# --- payment runs (finance) -------------------------------------------------------------------


@finance_required
def run_list(request: HttpRequest) -> HttpResponse:
    runs = selectors.payment_runs_for(user=request.user).order_by("-pk")[:100]
    return render(request, "payments/payment_run_list.html", {"runs": runs, "form": StartRunForm()})


@finance_required
@require_http_methods(["GET", "POST"])
def run_start(request: HttpRequest) -> HttpResponse:
    form = StartRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.request_payment_run(
                program_year=form.cleaned_data["program_year"],
                exhibit_kind=form.cleaned_data["exhibit"],
                started_by=request.user,
            )
        except services.PaymentRunError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Payment run {run.pk} started; the draft appears below.")
            return redirect("payments:run_detail", pk=run.pk)
    return render(request, "payments/payment_run_start.html", {"form": form})


def _run_context(request: HttpRequest, run: PaymentRun) -> dict[str, Any]:
    """A page of the run's lines (search by facility name or NPI, sorted) and the totals over
    every matching line; the downloads keep the whole run."""
    params = _list_params(request, sorts=RUN_LINE_SORT_LABELS, default="npi")
    matching = selectors.search_run_lines(
        user=request.user, run=run, query=params["query"], sort=params["sort"]
    )
    context = _list_context(matching, params, RUN_LINE_SORT_LABELS)
    lines = list(context["page"].object_list)
    paid_on = run.posted_at.date() if run.posted_at else None
    for line in lines:
        line.is_past_due = _is_past_due(due_on=line.due_date, paid_on=paid_on, net=line.net_amount)  # type: ignore[attr-defined]
    context.update(run=run, lines=lines, totals=selectors.run_line_totals(matching))
    return context


@finance_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(selectors.payment_runs_for(user=request.user), pk=pk)
    context = _run_context(request, run)
    user = request.user
    context["can_approve"] = (
        run.status == PaymentRun.Status.DRAFT
        and user.role == Role.FINANCE_APPROVER
        and run.started_by_id != user.pk
    )
    return render(request, "payments/payment_run_detail.html", context)


@finance_required
def run_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    run = get_object_or_404(selectors.payment_runs_for(user=request.user), pk=pk)
    lines = run.lines.select_related("facility", "run").order_by("facility__npi")
    header = [*PAYMENT_COLUMNS, "facility_name", "previous_gross", "difference"]
    rows = [
        [
            *payment_row(line),
            line.facility.name,
            "" if line.previous_gross is None else str(line.previous_gross),
            "" if line.difference is None else str(line.difference),
        ]
        for line in lines
    ]
    name = f"payments_{run.program_year}_{run.exhibit_kind}_run{run.pk}"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        writer = csv.writer(response, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return response
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = f"Run {run.pk}"
        sheet.append(header)
        numeric = {"qualifying_bed_days", "per_diem", "factor", "gross_amount"}
        numeric |= {"previously_paid", "net_amount", "previous_gross", "difference"}
        for row in rows:
            sheet.append(
                [
                    Decimal(value) if column in numeric and value != "" else value
                    for column, value in zip(header, row, strict=True)
                ]
            )
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    raise Http404("unknown export format")


@require_http_methods(["GET", "POST"])
def run_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if user.role != Role.FINANCE_APPROVER:
        raise PermissionDenied
    run = get_object_or_404(selectors.payment_runs_for(user=user), pk=pk)
    if run.started_by_id == user.pk:
        raise PermissionDenied  # two-person rule
    form = ApproveRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.approve_payment_run(run=run, approver=user)
        except services.PaymentRunError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Payment run {run.pk} approved; ledger entries posted.")
        return redirect("payments:run_detail", pk=run.pk)
    context = _run_context(request, run)
    context["form"] = form
    return render(request, "payments/payment_run_approve.html", context)


# --- ledger and facility pages (scoped by facility) ----------------------------------------


def ledger(request: HttpRequest) -> HttpResponse:
    """A page of the balances (search by facility name or NPI, sorted) with the totals over
    every matching balance, and the latest entries."""
    params = _list_params(request, sorts=LEDGER_SORT_LABELS, default="name")
    balances = selectors.search_ledger_balances(
        user=request.user, query=params["query"], sort=params["sort"]
    )
    context = _list_context(balances, params, LEDGER_SORT_LABELS)
    context["totals"] = selectors.ledger_totals(user=request.user, query=params["query"])
    context["entries"] = selectors.ledger_entries_for(user=request.user).order_by(
        "-posted_at", "-id"
    )[:200]
    return render(request, "payments/ledger.html", context)


def _chart(points: list[tuple[str, Decimal]]) -> dict[str, Any]:
    """Bars for an inline SVG (attributes only, no style attributes: strict CSP)."""
    height, bar, gap = 120, 48, 24
    top = max([abs(value) for _, value in points] + [Decimal(1)])
    bars = []
    for index, (label, value) in enumerate(points):
        size = int(abs(value) / top * (height - 20))
        bars.append(
            {
                "x": gap + index * (bar + gap),
                "y": height - size,
                "height": size,
                "label": label,
                "value": value,
                "negative": value < 0,
            }
        )
    return {"bars": bars, "width": gap + len(points) * (bar + gap), "height": height, "bar": bar}


def _citation_year(citation) -> int | None:  # type: ignore[no-untyped-def]
    return attributed_year(
        violation_from_date=citation.violation_from_date,
        penalty_issue_date=citation.penalty_issue_date,
        date_field=settings.WQIP_CITATION_DATE_FIELD,
    )


def facility_payments(request: HttpRequest, npi: str) -> HttpResponse:
    facility = get_object_or_404(visible_facilities(user=request.user), npi=npi)
    lines = list(selectors.posted_lines_for(user=request.user, facility=facility))
    entries = list(
        selectors.ledger_entries_for(user=request.user)
        .filter(facility=facility)
        .order_by("program_year", "posted_at")
    )
    entry_by_line = {entry.payment_line_id: entry for entry in entries if entry.payment_line_id}
    citations = list(selectors.citations_for(user=request.user).filter(facility=facility))
    years: dict[int, dict[str, Any]] = defaultdict(lambda: {"lines": [], "adjustments": []})
    for line in lines:
        paid_on = line.run.posted_at.date() if line.run.posted_at else None
        line.entry = entry_by_line.get(line.pk)  # type: ignore[attr-defined]
        line.is_past_due = _is_past_due(due_on=line.due_date, paid_on=paid_on, net=line.net_amount)  # type: ignore[attr-defined]
        effect = CitationEffect(line.citation_class, line.class_a_count, line.factor)
        line.citation_words = plain_words(effect, class_a_mode=line.run.class_a_mode or "once")  # type: ignore[attr-defined]
        years[line.run.program_year]["lines"].append(line)
    for entry in entries:
        if entry.kind == LedgerEntry.Kind.ADJUSTMENT:
            years[entry.program_year]["adjustments"].append(entry)
    for year, data in years.items():
        data["balance"] = sum((e.amount for e in entries if e.program_year == year), Decimal(0))
        data["citations"] = [c for c in citations if _citation_year(c) == year]
    chart = _chart(
        [
            (f"{line.run.program_year} {line.run.exhibit_kind}", line.gross_amount)
            for line in sorted(lines, key=lambda item: item.run.posted_at)
        ]
    )
    return render(
        request,
        "payments/facility_payments.html",
        {
            "facility": facility,
            "years": sorted(years.items(), reverse=True),
            "chart": chart,
            "citations": citations,
        },
    )


def _statement_line(request: HttpRequest, pk: int) -> PaymentLine:
    return get_object_or_404(
        selectors.payment_lines_for(user=request.user).filter(run__status=PaymentRun.Status.POSTED),
        pk=pk,
    )


def _statement_context(line: PaymentLine) -> dict[str, Any]:
    effect = CitationEffect(line.citation_class, line.class_a_count, line.factor)
    return {
        "line": line,
        "run": line.run,
        "facility": line.facility,
        "citation_words": plain_words(effect, class_a_mode=line.run.class_a_mode or "once"),
        "kind": (
            "Payment"
            if line.net_amount > 0
            else "Recoupment"
            if line.net_amount < 0
            else "No change"
        ),
        "generated_on": timezone.localdate(),
    }


STATEMENT_FIELDS = (
    ("Facility", lambda c: c["facility"].name),
    ("NPI", lambda c: c["facility"].npi),
    ("Program year", lambda c: c["run"].program_year),
    ("Exhibit", lambda c: c["run"].exhibit_kind),
    ("Payment run", lambda c: c["run"].pk),
    ("Posted on", lambda c: c["run"].posted_at.date().isoformat()),
    ("Status", lambda c: c["line"].status),
    ("Qualifying bed days", lambda c: c["line"].qualifying_bed_days),
    ("Per diem", lambda c: f"{c['line'].per_diem:.4f}"),
    ("Citation class", lambda c: c["line"].citation_class),
    ("Factor", lambda c: f"{c['line'].factor:.2f}"),
    ("Gross amount", lambda c: f"{c['line'].gross_amount:.2f}"),
    ("Previously paid", lambda c: f"{c['line'].previously_paid:.2f}"),
    ("Net amount", lambda c: f"{c['line'].net_amount:.2f}"),
    ("Type", lambda c: c["kind"]),
    ("Due date", lambda c: c["line"].due_date.isoformat()),
    ("Citation effect", lambda c: c["citation_words"]),
)


def statement_csv(request: HttpRequest, pk: int) -> HttpResponse:
    context = _statement_context(_statement_line(request, pk))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="remittance_{pk}.csv"'
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow(["field", "value"])
    for label, value in STATEMENT_FIELDS:
        writer.writerow([label, value(context)])
    return response


def statement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    context = _statement_context(_statement_line(request, pk))
    context["rows"] = [(label, value(context)) for label, value in STATEMENT_FIELDS[:-1]]
    html = render_to_string("payments/statement_pdf.html", context)
    pdf = html_to_pdf(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="remittance_{pk}.pdf"'
    return response


# --- uploads (finance) ------------------------------------------------------------------------


def _import_upload(request: HttpRequest, form, importer) -> str | list[str] | None:  # type: ignore[no-untyped-def]
    """Run an import service on the uploaded file; a summary, the error lines, or None."""
    upload = form.cleaned_data["file"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(upload.name).name
        with open(path, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        try:
            return str(importer(path))
        except CsvImportError as exc:
            return [str(error) for error in exc.errors[:200]]


def _upload_view(request: HttpRequest, form_class, title: str, importer) -> HttpResponse:  # type: ignore[no-untyped-def]
    form = form_class(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        outcome = _import_upload(request, form, lambda path: importer(path, form.cleaned_data))
        if isinstance(outcome, list):
            errors = outcome
        else:
            messages.success(request, f"{title}: {outcome}")
            return redirect(request.path)
    return render(request, "payments/upload.html", {"form": form, "title": title, "errors": errors})


@finance_required
@require_http_methods(["GET", "POST"])
def upload_per_diems(request: HttpRequest) -> HttpResponse:
    def importer(path: Path, data: dict) -> object:  # type: ignore[type-arg]
        summary = services.import_per_diems(
            path=path,
            program_year=data["program_year"],
            kind=data["exhibit"],
            received_on=data["received_on"],
            actor=request.user,
            source_name=data["file"].name,
        )
        return f"{summary.created} per diems loaded, {summary.deleted} replaced"

    return _upload_view(request, PerDiemUploadForm, "Per-diem exhibit", importer)


@finance_required
@require_http_methods(["GET", "POST"])
def upload_citations(request: HttpRequest) -> HttpResponse:
    return _upload_view(
        request,
        CitationUploadForm,
        "CDPH citations",
        lambda path, data: services.import_citations(path=path, actor=request.user),
    )


@finance_required
@require_http_methods(["GET", "POST"])
def upload_opt_ins(request: HttpRequest) -> HttpResponse:
    return _upload_view(
        request,
        OptInUploadForm,
        "Opt-in decisions",
        lambda path, data: portal_services.import_opt_ins(path=path, actor=request.user),
    )
