"""Finance pages (payment runs, approval, uploads), ledger balances, the facility payment page
and remittance statements. Reads go through payments.selectors; writes through services."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from payments import selectors, services
from payments.calculators import get_calculator
from payments.forms import (
    ApproveRunForm,
    StartRunForm,
)
from payments.models import LedgerEntry, PaymentLine, PaymentRun
from portal.accounts.http import AuthenticatedRequest
from portal.accounts.permissions import finance_required
from portal.files.pdf import html_to_pdf
from portal.models import Role
from portal.money import days_late, format_money
from portal.pagecache import PageCache
from portal.registry.selectors import as_facility, visible_organisations

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


def _list_params(
    request: AuthenticatedRequest, *, sorts: Mapping[str, str], default: str
) -> dict[str, Any]:
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


def _is_past_due(*, due_on, paid_on, net) -> bool:  # type: ignore[no-untyped-def]
    """Money to move (net not zero) that was posted, or is still unposted, after its due date."""
    if net == 0:
        return False
    return (paid_on or timezone.localdate()) > due_on


def due_note(*, due_on: Any, paid_on: Any, net: Any) -> str:
    """Beside a due date: "past due" while unposted money is overdue, "paid N days late" once
    it was posted after the due date (a recoupment too), "" otherwise."""
    if not _is_past_due(due_on=due_on, paid_on=paid_on, net=net):
        return ""
    if paid_on is None:
        return "past due"
    late = days_late(due_on=due_on, paid_on=paid_on)
    return f"paid {late} day{'s' if late != 1 else ''} late"


# --- payment runs (finance) -------------------------------------------------------------------


@finance_required
def run_list(request: AuthenticatedRequest) -> HttpResponse:
    runs = selectors.payment_runs_for(user=request.user).order_by("-pk")[:100]
    return render(request, "payments/payment_run_list.html", {"runs": runs, "form": StartRunForm()})


@finance_required
@require_http_methods(["GET", "POST"])
def run_start(request: AuthenticatedRequest) -> HttpResponse:
    form = StartRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program, kind = form.cleaned_data["kind"].split(":", 1)
            run = services.request_payment_run(
                program=program,
                program_year=form.cleaned_data["program_year"],
                kind=kind,
                started_by=request.user,
            )
        except services.PaymentRunError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Payment run {run.pk} started; the draft appears below.")
            return redirect("payments:run_detail", pk=run.pk)
    return render(request, "payments/payment_run_start.html", {"form": form})


def _run_context(request: AuthenticatedRequest, run: PaymentRun) -> dict[str, Any]:
    """A page of the run's lines (search by facility name or NPI, sorted) and the totals over
    every matching line; the downloads keep the whole run."""
    params = _list_params(request, sorts=RUN_LINE_SORT_LABELS, default="npi")
    matching = selectors.search_run_lines(
        user=request.user, run=run, query=params["query"], sort=params["sort"]
    )
    context = _list_context(matching, params, RUN_LINE_SORT_LABELS)
    lines = list(context["page"].object_list)
    paid_on = timezone.localdate(run.posted_at) if run.posted_at else None
    for line in lines:
        line.due_note = due_note(due_on=line.due_date, paid_on=paid_on, net=line.net_amount)
    context.update(
        run=run,
        lines=lines,
        columns=run.calculator.table_columns(),
        run_facts=run.calculator.run_facts(run),
        totals=selectors.run_line_totals(matching, run=run),
    )
    return context


@finance_required
def run_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
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
def run_export(request: AuthenticatedRequest, pk: int, fmt: str) -> HttpResponse:
    """The whole run as the program's file layout (WQIP: contract §5), plus the facility name
    and the change against the previous run."""
    run = get_object_or_404(selectors.payment_runs_for(user=request.user), pk=pk)
    calculator = run.calculator
    lines = run.lines.select_related("facility", "run").order_by("facility__npi")
    header = [*calculator.export_header(), "facility_name", "previous_gross", "difference"]
    rows = [
        [
            *calculator.export_row(line),
            line.facility.name,
            "" if line.previous_gross is None else str(line.previous_gross),
            "" if line.difference is None else str(line.difference),
        ]
        for line in lines
    ]
    name = f"payments_{run.program_year}_{run.kind}_run{run.pk}"
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
        numeric = calculator.export_numeric_columns()
        numeric |= {"gross_amount", "previously_paid", "net_amount", "previous_gross", "difference"}
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
def run_approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
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


def ledger(request: AuthenticatedRequest) -> HttpResponse:
    """A page of the balances (search by facility name or NPI, sorted) with the totals over
    every matching balance, and the latest entries."""
    cached = PageCache(request, "payments:ledger")
    if cached.hit:
        return cached.response("payments/ledger.html")
    params = _list_params(request, sorts=LEDGER_SORT_LABELS, default="name")
    balances = selectors.search_ledger_balances(
        user=request.user, query=params["query"], sort=params["sort"]
    )
    context = _list_context(balances, params, LEDGER_SORT_LABELS)
    context["totals"] = selectors.ledger_totals(user=request.user, query=params["query"])
    context["entries"] = selectors.ledger_entries_for(user=request.user).order_by(
        "-posted_at", "-id"
    )[:200]
    return cached.render("payments/ledger.html", context)


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


def _posted_at(line: PaymentLine) -> datetime:
    """When the line's run was posted (``posted_lines_for`` gives lines of posted runs only)."""
    assert line.run.posted_at is not None
    return line.run.posted_at


def facility_payments(request: AuthenticatedRequest, npi: str) -> HttpResponse:
    """A facility's posted payment lines and ledger adjustments by program and year, with the
    panels programs add for the year (WQIP: the citations that applied)."""
    cached = PageCache(request, "payments:facility_payments")
    if cached.hit:
        return cached.response("payments/facility_payments.html")
    organisation = get_object_or_404(
        visible_organisations(user=request.user).select_related("facility"), npi=npi
    )
    # an SNF facility's page shows its SNF facts (WQIP eligibility); other kinds their own
    facility = as_facility(organisation)
    lines = list(selectors.posted_lines_for(user=request.user, facility=facility))
    entries = list(
        selectors.ledger_entries_for(user=request.user)
        .filter(facility=facility)
        .order_by("program", "program_year", "posted_at")
    )
    entry_by_line = {entry.payment_line_id: entry for entry in entries if entry.payment_line_id}
    years: dict[tuple[str, int], dict[str, Any]] = defaultdict(
        lambda: {"lines": [], "adjustments": []}
    )
    for line in lines:
        paid_on = timezone.localdate(line.run.posted_at) if line.run.posted_at else None
        line.entry = entry_by_line.get(line.pk)  # type: ignore[attr-defined]
        line.due_note = due_note(due_on=line.due_date, paid_on=paid_on, net=line.net_amount)  # type: ignore[attr-defined]
        years[(line.run.program, line.run.program_year)]["lines"].append(line)
    for entry in entries:
        if entry.kind == LedgerEntry.Kind.ADJUSTMENT:
            years[(entry.program, entry.program_year)]["adjustments"].append(entry)
    for (program, year), data in years.items():
        data["program"] = program
        data["year"] = year
        data["title"] = get_calculator(program).title
        data["balance"] = sum(
            (e.amount for e in entries if (e.program, e.program_year) == (program, year)),
            Decimal(0),
        )
        panel = get_calculator(program).facility_year_panel(
            user=request.user, facility=facility, year=year
        )
        data["panels"] = [panel] if panel else []
    chart = _chart(
        [
            (f"{line.run.program_year} {line.run.kind}", line.gross_amount)
            for line in sorted(lines, key=_posted_at)
        ]
    )
    return cached.render(
        "payments/facility_payments.html",
        {
            "facility": facility,
            "years": [
                data
                for _, data in sorted(
                    years.items(), key=lambda kv: (kv[0][1], kv[0][0]), reverse=True
                )
            ],
            "chart": chart,
        },
    )


def _statement_line(request: AuthenticatedRequest, pk: int) -> PaymentLine:
    return get_object_or_404(
        selectors.payment_lines_for(user=request.user).filter(run__status=PaymentRun.Status.POSTED),
        pk=pk,
    )


def _statement_context(line: PaymentLine) -> dict[str, Any]:
    return {
        "line": line,
        "run": line.run,
        "facility": line.facility,
        "note": line.note,
        "kind": (
            "Payment"
            if line.net_amount > 0
            else "Recoupment"
            if line.net_amount < 0
            else "No change"
        ),
        "generated_on": timezone.localdate(),
    }


def statement_fields(context: dict[str, Any]) -> list[tuple[str, Any]]:
    """The rows of a remittance statement: the run, the program's figures, the amounts."""
    line, run = context["line"], context["run"]
    rows: list[tuple[str, Any]] = [
        ("Facility" if context["facility"].kind == "snf" else "Provider", context["facility"].name),
        ("NPI", context["facility"].npi),
        ("Program", run.program_title),
        ("Program year", run.program_year),
        (run.calculator.kind_name, run.kind),
        ("Payment run", run.pk),
        ("Posted on", timezone.localdate(run.posted_at).isoformat()),
        ("Status", line.status),
    ]
    rows += [(figure["label"], figure["text"]) for figure in line.figures]
    rows += [
        ("Gross amount", f"{line.gross_amount:.2f}"),
        ("Previously paid", f"{line.previously_paid:.2f}"),
        ("Net amount", f"{line.net_amount:.2f}"),
        ("Type", context["kind"]),
        ("Due date", line.due_date.isoformat()),
    ]
    if context["note"]:
        rows.append((run.calculator.note_label, context["note"]))
    return rows


def statement_csv(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    context = _statement_context(_statement_line(request, pk))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="remittance_{pk}.csv"'
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow(["field", "value"])
    for label, value in statement_fields(context):
        writer.writerow([label, value])
    return response


MONEY_ROWS = ("Gross amount", "Previously paid", "Net amount")


def statement_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The statement as a PDF: the same rows as the CSV, amounts written as dollars."""
    context = _statement_context(_statement_line(request, pk))
    context["rows"] = [
        (label, format_money(value) if label in MONEY_ROWS else value)
        for label, value in statement_fields(context)
    ]
    if context["note"]:
        context["rows"] = context["rows"][:-1]  # the note is a paragraph of its own
    html = render_to_string("payments/statement_pdf.html", context)
    pdf = html_to_pdf(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="remittance_{pk}.pdf"'
    return response
