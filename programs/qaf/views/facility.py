"""A facility's QAF: the list of facilities, a facility's months, declaring a month (form or
CSV), a month with its payments and delinquency timeline, recording a payment."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from portal.accounts.http import AuthenticatedRequest
from portal.files.csvio import CsvImportError
from portal.params import text_param
from portal.registry.claims_days import claims_days
from programs.qaf import engine, selectors
from programs.qaf.engine import TIER_LABELS, Tier
from programs.qaf.forms import CsvUploadForm, DeclarationForm, PaymentForm
from programs.qaf.services.common import QafInputError, exclude_medicare, tier_basis
from programs.qaf.services.declarations import (
    DECLARATION_COLUMNS,
    declare_month,
    import_declarations,
    parse_month,
    record_payment,
)
from programs.qaf.services.participation import current_participation
from programs.qaf.views.common import (
    csv_download,
    month_of,
    require_facility_writer,
    require_qaf_user,
)

PAGE_SIZE = 25


def qaf_home(request: AuthenticatedRequest) -> HttpResponse:
    """Facility users: their facilities. The plan: facilities late or not declared this month
    (search, sort, filter, pages, CSV)."""
    require_qaf_user(request.user)
    today = timezone.localdate()
    query = text_param(request.GET.get("q"), max_length=100)
    sort = text_param(request.GET.get("sort"), max_length=20)
    sort = sort if sort in selectors.ATTENTION_SORTS else "name"
    default_show = "all" if request.user.is_facility_user else "attention"
    show = text_param(request.GET.get("show"), max_length=20)
    show = show if show in selectors.ATTENTION_FILTERS else default_show
    rows = selectors.attention_rows(
        user=request.user, today=today, query=query, sort=sort, show=show
    )
    if request.GET.get("format") == "csv":
        return csv_download(
            f"qaf_facilities_{today:%Y-%m-%d}",
            [
                "facility_npi",
                "facility_name",
                "hcai_id",
                "month_due",
                "declared",
                "overdue_months",
                "overdue_balance",
                "oldest_due_on",
                "status",
            ],
            [
                [
                    r.facility.npi,
                    r.facility.name,
                    r.facility.hcai_id,
                    f"{r.month_due:%Y-%m}",
                    "yes" if r.declared else "no",
                    r.overdue_months,
                    r.overdue_balance,
                    r.oldest_due_on.isoformat() if r.oldest_due_on else "",
                    r.status,
                ]
                for r in rows
            ],
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    params = {**({"q": query} if query else {}), "sort": sort, "show": show}
    return render(
        request,
        "qaf/home.html",
        {
            "page": page,
            "query": query,
            "sort": sort,
            "sorts": selectors.ATTENTION_SORTS,
            "show": show,
            "shows": selectors.ATTENTION_FILTERS,
            "show_label": selectors.ATTENTION_FILTERS[show],
            "querystring": urlencode(params),
            "month_due": engine.add_months(engine.first_of_month(today), -1),
            "due_on": engine.last_of_month(today),
            "is_plan": not request.user.is_facility_user,
        },
    )


def facility_months(request: AuthenticatedRequest, facility_id: int) -> HttpResponse:
    facility = selectors.qaf_facility(user=request.user, pk=facility_id)
    today = timezone.localdate()
    statuses = selectors.month_statuses(facility=facility, today=today)
    if request.GET.get("format") == "csv":
        return csv_download(
            f"qaf_{facility.npi}_months",
            [
                "month",
                "total_days",
                "medicare_days",
                "taxable_days",
                "tier",
                "rate",
                "fee",
                "adjustments",
                "paid",
                "balance",
                "due_on",
                "status",
            ],
            [
                [
                    f"{s.month:%Y-%m}",
                    s.declaration.total_days,
                    s.declaration.medicare_days,
                    s.declaration.taxable_days,
                    s.declaration.tier,
                    s.declaration.rate,
                    s.declaration.fee,
                    s.adjustments_total,
                    s.paid,
                    s.balance,
                    s.declaration.due_on.isoformat(),
                    s.status,
                ]
                for s in statuses
            ],
        )
    years = sorted({s.month.year for s in statuses} | {today.year}, reverse=True)
    return render(
        request,
        "qaf/facility.html",
        {
            "facility": facility,
            "statuses": statuses,
            "participation": current_participation(facility),
            "history": selectors.participation_history(facility=facility),
            "can_write": request.user.is_facility_user,
            "years": years,
            "fiscal_year": engine.state_fiscal_year(engine.add_months(today, -12)),
            "tier_labels": {t.value: label for t, label in TIER_LABELS.items()},
            "total_balance": sum((s.balance for s in statuses), start=engine.ZERO),
        },
    )


@require_http_methods(["GET", "POST"])
def declare(request: AuthenticatedRequest, facility_id: int) -> HttpResponse:
    facility = selectors.qaf_facility(user=request.user, pk=facility_id)
    require_facility_writer(request.user, facility)
    today = timezone.localdate()
    month = engine.add_months(engine.first_of_month(today), -1)
    asked = text_param(request.GET.get("month"), max_length=10)
    if asked:
        with contextlib.suppress(ValueError):  # else the default month
            month = min(parse_month(asked), engine.first_of_month(today))
    prefill = claims_days(facility_id=facility.pk, month=month)
    initial: dict[str, object] = {"month": month, "medicare_days": 0}
    if prefill is not None:
        initial["total_days"] = prefill.days
    form = DeclarationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            declaration = declare_month(
                facility=facility,
                month=form.cleaned_data["month"],
                total_days=form.cleaned_data["total_days"],
                medicare_days=form.cleaned_data["medicare_days"],
                actor=request.user,
                today=today,
            )
        except QafInputError as exc:
            form.add_error("month", str(exc))
        else:
            messages.success(
                request,
                f"{declaration.month:%B %Y} declared: fee {engine_money(declaration.fee)}, "
                f"due {declaration.due_on:%-d %B %Y}.",
            )
            return redirect(
                "qaf:month",
                facility_id=facility.pk,
                year=declaration.month.year,
                month=declaration.month.month,
            )
    return render(
        request,
        "qaf/declare.html",
        {
            "facility": facility,
            "form": form,
            "upload_form": CsvUploadForm(),
            "prefill": prefill if request.method == "GET" else None,
            "prefill_month": month,
            "medicare_excluded": exclude_medicare(),
            "tier_basis": tier_basis().value.replace("_", " "),
            "columns": DECLARATION_COLUMNS,
        },
    )


def engine_money(value: object) -> str:
    from portal.money import format_money

    return format_money(value)  # type: ignore[arg-type]


@require_http_methods(["POST"])
def upload(request: AuthenticatedRequest, facility_id: int) -> HttpResponse:
    facility = selectors.qaf_facility(user=request.user, pk=facility_id)
    require_facility_writer(request.user, facility)
    form = CsvUploadForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            stored = import_declarations(
                facility=facility,
                handle=upload_file,
                actor=request.user,
                source_name=upload_file.name or "",
            )
        except CsvImportError as exc:
            errors = [str(e) for e in exc.errors[:200]]
        else:
            messages.success(request, f"{len(stored)} month(s) declared from the file.")
            return redirect("qaf:facility", facility_id=facility.pk)
    return render(
        request,
        "qaf/declare.html",
        {
            "facility": facility,
            "form": DeclarationForm(initial={"medicare_days": 0}),
            "upload_form": form,
            "upload_errors": errors,
            "medicare_excluded": exclude_medicare(),
            "tier_basis": tier_basis().value.replace("_", " "),
            "columns": DECLARATION_COLUMNS,
        },
        status=400,
    )


def month_detail(
    request: AuthenticatedRequest, facility_id: int, year: int, month: int
) -> HttpResponse:
    facility = selectors.qaf_facility(user=request.user, pk=facility_id)
    today = timezone.localdate()
    status = selectors.month_status(facility=facility, month=month_of(year, month), today=today)
    return render(
        request,
        "qaf/month.html",
        _month_context(
            request,
            facility,
            status,
            PaymentForm(
                initial={"paid_on": today, "amount": status.balance if status.balance > 0 else None}
            ),
        ),
    )


def _month_context(request, facility, status, form):  # type: ignore[no-untyped-def]
    late = status.delinquency
    return {
        "facility": facility,
        "s": status,
        "d": status.declaration,
        "tier_label": TIER_LABELS[Tier(status.declaration.tier)],
        "late": late,
        "show_timeline": late.is_late or status.paid_late,
        "form": form,
        "can_write": request.user.is_facility_user,
        "quarter": engine.quarter_of(status.month),
    }


@require_http_methods(["POST"])
def payment(request: AuthenticatedRequest, facility_id: int, year: int, month: int) -> HttpResponse:
    facility = selectors.qaf_facility(user=request.user, pk=facility_id)
    today = timezone.localdate()
    status = selectors.month_status(facility=facility, month=month_of(year, month), today=today)
    require_facility_writer(request.user, facility)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            record_payment(
                declaration=status.declaration, actor=request.user, today=today, **form.cleaned_data
            )
        except QafInputError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Payment recorded.")
            return redirect("qaf:month", facility_id=facility.pk, year=year, month=month)
    return render(
        request, "qaf/month.html", _month_context(request, facility, status, form), status=400
    )
