"""Statements (a month, a quarter: PDF and CSV, like the payment statements) and the quarterly
and annual report pages."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from portal.accounts.http import AuthenticatedRequest
from portal.files.pdf import html_to_pdf
from portal.models import Facility
from portal.money import format_money
from programs.qaf import engine, selectors
from programs.qaf.engine import TIER_LABELS, Tier
from programs.qaf.views.common import csv_download, month_of, pdf_download

ESTIMATE = " (estimate)"


def _month_rows(status: selectors.MonthStatus, *, money: Any) -> list[tuple[str, object]]:
    d = status.declaration
    rows: list[tuple[str, object]] = [
        ("Month", f"{d.month:%B %Y}"),
        ("Total resident days", d.total_days),
        ("Medicare days", d.medicare_days),
        ("Taxable days", d.taxable_days),
        ("Medicare days excluded", "yes" if d.medicare_excluded else "no"),
        ("Tier", TIER_LABELS[Tier(d.tier)]),
        ("Annual days setting the tier", d.tier_annual_days),
        ("Rate year", d.rate_year.label + ("" if d.rate_is_final else " (provisional)")),
        ("Rate per day", money(d.rate)),
        ("Fee", money(d.fee)),
        ("Due date", d.due_on.isoformat()),
    ]
    for adjustment in status.adjustments:
        rows.append(
            (
                f"Rate adjustment {adjustment.rate_year.label}",
                f"{money(adjustment.amount)} ({adjustment.days} days x "
                f"({adjustment.new_rate} - {adjustment.old_rate})), due {adjustment.due_on}",
            )
        )
    for payment in status.payments:
        rows.append(
            (
                f"Paid {payment.paid_on.isoformat()}",
                f"{money(payment.amount)} ({payment.get_method_display()} {payment.reference})",
            )
        )
    rows += [("Total paid", money(status.paid)), ("Balance", money(status.balance))]
    late = status.delinquency
    if late.is_late:
        rows += [
            ("Days late", late.days_late),
            ("Delinquency notice (day 60)", late.notice_on.isoformat()),
            ("Pay by (15 days after the notice)", late.pay_by.isoformat()),
            ("Interest 7% a year from", late.interest_from.isoformat()),
            ("Interest to " + late.as_of.isoformat() + ESTIMATE, money(late.estimated_interest)),
            ("Maximum penalty, 50% of unpaid fee" + ESTIMATE, money(late.maximum_penalty)),
        ]
    return rows


def _identity(facility: Facility) -> list[tuple[str, object]]:
    """What DHCS needs on a payment: name, address, HCAI ID, NPI."""
    return [
        ("Facility", facility.name),
        ("Address", facility.address),
        ("HCAI ID", facility.hcai_id or ""),
        ("NPI", facility.npi),
    ]


def _month(request: AuthenticatedRequest, facility_id: int, year: int, month: int):  # type: ignore[no-untyped-def]
    facility = selectors.qaf_facility(user=request.user, pk=facility_id)
    status = selectors.month_status(
        facility=facility, month=month_of(year, month), today=timezone.localdate()
    )
    return facility, status


def month_statement_csv(
    request: AuthenticatedRequest, facility_id: int, year: int, month: int
) -> HttpResponse:
    facility, status = _month(request, facility_id, year, month)
    rows = _identity(facility) + _month_rows(status, money=lambda v: v)
    return csv_download(f"qaf_{facility.npi}_{year}-{month:02d}", ["field", "value"], rows)


def month_statement_pdf(
    request: AuthenticatedRequest, facility_id: int, year: int, month: int
) -> HttpResponse:
    facility, status = _month(request, facility_id, year, month)
    html = render_to_string(
        "qaf/statement_pdf.html",
        {
            "title": f"QAF statement {status.month:%B %Y}",
            "facility": facility,
            "identity": _identity(facility),
            "rows": _month_rows(status, money=format_money),
            "generated_on": timezone.localdate(),
        },
    )
    return pdf_download(f"qaf_{facility.npi}_{year}-{month:02d}", html_to_pdf(html))


def _year(year: int) -> int:
    if not 2004 <= year <= 2100:
        raise Http404("no such year")
    return year


def quarters(request: AuthenticatedRequest, facility_id: int, year: int) -> HttpResponse:
    facility = selectors.qaf_facility(user=request.user, pk=facility_id)
    report = selectors.quarter_report(
        facility=facility, year=_year(year), today=timezone.localdate()
    )
    return render(
        request,
        "qaf/quarters.html",
        {"facility": facility, "year": year, "report": report, "years": (year - 1, year + 1)},
    )


def _quarter_rows(
    result: engine.QuarterResult, months: list[selectors.MonthStatus], *, money: Any
) -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = [
        ("Quarter", f"Q{result.quarter} {result.year}"),
        ("Report due", result.report_due.isoformat()),
        ("Brought forward (+ owed, - credit)", money(result.brought_forward)),
    ]
    for status in months:
        rows.append(
            (
                f"{status.month:%B %Y}",
                f"{status.declaration.taxable_days} days, fee {money(status.owed)}, "
                f"paid {money(status.paid)}",
            )
        )
    rows += [
        ("Taxable days", result.days),
        ("Fees due", money(result.fees_due)),
        ("Paid", money(result.paid)),
        ("Shortfall, paid with the report", money(result.shortfall)),
        ("Credit carried to the next quarter", money(result.credit)),
    ]
    return rows


def _quarter(request: AuthenticatedRequest, facility_id: int, year: int, quarter: int):  # type: ignore[no-untyped-def]
    facility = selectors.qaf_facility(user=request.user, pk=facility_id)
    if not 1 <= quarter <= 4:
        raise Http404("no such quarter")
    report = selectors.quarter_report(
        facility=facility, year=_year(year), today=timezone.localdate()
    )
    result, months = report[quarter - 1]
    return facility, result, months


def quarter_statement_csv(
    request: AuthenticatedRequest, facility_id: int, year: int, quarter: int
) -> HttpResponse:
    facility, result, months = _quarter(request, facility_id, year, quarter)
    rows = _identity(facility) + _quarter_rows(result, months, money=lambda v: v)
    return csv_download(f"qaf_{facility.npi}_{year}-Q{quarter}", ["field", "value"], rows)


def quarter_statement_pdf(
    request: AuthenticatedRequest, facility_id: int, year: int, quarter: int
) -> HttpResponse:
    facility, result, months = _quarter(request, facility_id, year, quarter)
    html = render_to_string(
        "qaf/statement_pdf.html",
        {
            "title": f"QAF quarterly statement Q{quarter} {year}",
            "facility": facility,
            "identity": _identity(facility),
            "rows": _quarter_rows(result, months, money=format_money),
            "generated_on": timezone.localdate(),
        },
    )
    return pdf_download(f"qaf_{facility.npi}_{year}-Q{quarter}", html_to_pdf(html))


def annual(request: AuthenticatedRequest, facility_id: int, fiscal_year: int) -> HttpResponse:
    facility = selectors.qaf_facility(user=request.user, pk=facility_id)
    report = selectors.annual_report(
        facility=facility, fiscal_year=_year(fiscal_year), today=timezone.localdate()
    )
    return render(
        request,
        "qaf/annual.html",
        {
            "facility": facility,
            "report": report,
            "ends_on": datetime.date(fiscal_year, 6, 30),
            "years": (fiscal_year - 1, fiscal_year + 1),
        },
    )
