"""A provider's files: history per month, sending a file, one file's rows (masked for
provider users; every view of member rows is logged)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from portal.accounts.http import AuthenticatedRequest
from portal.audit.services import log_access
from portal.files.csvio import MAX_REPORTED_ERRORS, CsvImportError
from portal.masking import mask_member_id
from portal.models import Organisation
from portal.params import int_param
from programs.ecm.access import ecm_required, is_provider, sender_required
from programs.ecm.forms.files import ReportUploadForm
from programs.ecm.intake.columns import COLUMNS, FILE_NAMES
from programs.ecm.models import ReportFile
from programs.ecm.selectors.providers import provider_for
from programs.ecm.selectors.reports import files_for
from programs.ecm.selectors.settings import measurement_year_or_404, year_numbers
from programs.ecm.services.intake import accept_report

ROWS_SHOWN = 200


def _provider(request: AuthenticatedRequest, provider_id: int) -> Organisation:
    try:
        return provider_for(user=request.user, provider_id=provider_id)  # type: ignore[no-any-return]
    except Organisation.DoesNotExist:
        raise Http404 from None


@ecm_required
def file_list(request: AuthenticatedRequest, provider_id: int) -> HttpResponse:
    provider = _provider(request, provider_id)
    files = (
        files_for(user=request.user)
        .filter(provider=provider)
        .order_by("-measurement_year__year", "-month", "kind", "-received_at", "-id")
    )
    return render(request, "ecm/file_list.html", {"provider": provider, "files": files[:500]})


@sender_required
@require_http_methods(["GET", "POST"])
def file_upload(request: AuthenticatedRequest, provider_id: int) -> HttpResponse:
    provider = _provider(request, provider_id)
    years = year_numbers()
    form = ReportUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        years=years,
        initial={
            "month": int_param(request.GET.get("month")),
            "year": int_param(request.GET.get("year")),
        },
    )
    errors: list[str] = []
    error_count = 0
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = accept_report(
                provider=provider,
                measurement_year=measurement_year_or_404(form.cleaned_data["year"]),
                month=form.cleaned_data["month"],
                kind=form.cleaned_data["kind"],
                content=upload.read(),
                file_name=upload.name or "upload.csv",
                actor=request.user,
            )
        except CsvImportError as exc:
            error_count = len(exc.errors)
            errors = [str(e) for e in exc.errors[:MAX_REPORTED_ERRORS]]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            timing = "on time" if report.on_time else "late"
            messages.success(
                request,
                f"{report.get_kind_display()} for {report.period} accepted: {report.row_count} "
                f"rows, received {timing} (due {report.due_on:%-d %b %Y}).",
            )
            return redirect("ecm:file_detail", pk=report.pk)
    return render(
        request,
        "ecm/file_upload.html",
        {
            "provider": provider,
            "form": form,
            "errors": errors,
            "error_count": error_count,
            "has_years": bool(years),
        },
    )


@ecm_required
def file_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(files_for(user=request.user), pk=pk)
    masked = is_provider(request.user)
    columns = [
        c
        for c in COLUMNS[report.kind]
        if c.key
        in (
            "cin",
            "ecm_status",
            "acuity",
            "last_encounter",
            "care_plan_revised",
            "attempt_date",
            "method",
            "successful",
            "minutes",
        )
    ]
    related = report.rtf_members if report.kind == "rtf" else report.otf_attempts
    rows = [
        {
            "line": row["line"],
            "shown_cin": mask_member_id(row["cin"]) if masked else row["cin"],
            "cells": [row["data"].get(c.key, "") for c in columns if c.key != "cin"],
        }
        for row in related.order_by("line").values("line", "cin", "data")[:ROWS_SHOWN]
    ]
    log_access(
        user=request.user,
        what=f"ECM {report.get_kind_display()} rows {report.period} (file {report.pk})",
        path=request.path,
        row_count=len(rows),
        masked=masked,
    )
    history = (
        files_for(user=request.user)
        .filter(
            provider_id=report.provider_id,
            measurement_year_id=report.measurement_year_id,
            month=report.month,
            kind=report.kind,
        )
        .order_by("received_at", "id")
    )
    return render(
        request,
        "ecm/file_detail.html",
        {
            "report": report,
            "file_name": FILE_NAMES[report.kind],
            "columns": [c for c in columns if c.key != "cin"],
            "rows": rows,
            "rows_shown": ROWS_SHOWN,
            "masked": masked,
            "history": history,
        },
    )


__all__ = ["ReportFile", "file_detail", "file_list", "file_upload"]
