"""Finance uploads of WQIP inputs: per-diem exhibits, CDPH citations, opt-in decisions."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from portal.accounts.http import AuthenticatedRequest
from portal.accounts.permissions import finance_required
from portal.files.csvio import CsvImportError
from programs.wqip.forms.imports import (
    CitationUploadForm,
    OptInUploadForm,
    PerDiemUploadForm,
)
from programs.wqip.services.citations import import_citations
from programs.wqip.services.opt_in_import import import_opt_ins
from programs.wqip.services.per_diems import import_per_diems

# --- uploads (finance) ------------------------------------------------------------------------


def _import_upload(request: AuthenticatedRequest, form, importer) -> str | list[str] | None:  # type: ignore[no-untyped-def]
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


def _upload_view(request: AuthenticatedRequest, form_class, title: str, importer) -> HttpResponse:  # type: ignore[no-untyped-def]
    form = form_class(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        outcome = _import_upload(request, form, lambda path: importer(path, form.cleaned_data))
        if isinstance(outcome, list):
            errors = outcome
        else:
            messages.success(request, f"{title}: {outcome}")
            return redirect(request.path)
    return render(request, "wqip/upload.html", {"form": form, "title": title, "errors": errors})


@finance_required
@require_http_methods(["GET", "POST"])
def upload_per_diems(request: AuthenticatedRequest) -> HttpResponse:
    def importer(path: Path, data: dict) -> object:  # type: ignore[type-arg]
        summary = import_per_diems(
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
def upload_citations(request: AuthenticatedRequest) -> HttpResponse:
    return _upload_view(
        request,
        CitationUploadForm,
        "CDPH citations",
        lambda path, data: import_citations(
            path=path, actor=request.user, source_name=data["file"].name
        ),
    )


@finance_required
@require_http_methods(["GET", "POST"])
def upload_opt_ins(request: AuthenticatedRequest) -> HttpResponse:
    return _upload_view(
        request,
        OptInUploadForm,
        "Opt-in decisions",
        lambda path, data: import_opt_ins(path=path, actor=request.user),
    )
