"""Finance uploads of WQIP inputs: per-diem exhibits, CDPH citations, opt-in decisions. Each
upload is a job (programs.wqip.services.web_imports), run at once; its outcome is shown here
and it is listed on the Jobs page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from portal.accounts.http import AuthenticatedRequest
from portal.accounts.permissions import finance_required
from portal.jobs.models import Job
from programs.wqip.forms.imports import (
    CitationUploadForm,
    OptInUploadForm,
    PerDiemUploadForm,
)
from programs.wqip.services.web_imports import (
    CITATIONS_IMPORT_JOB,
    OPT_INS_IMPORT_JOB,
    PER_DIEMS_IMPORT_JOB,
    import_upload_now,
)

# --- uploads (finance) ------------------------------------------------------------------------


def _upload_view(
    request: AuthenticatedRequest,
    form_class: Any,
    title: str,
    kind: str,
    params: Any = None,
) -> HttpResponse:
    form = form_class(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        job = import_upload_now(
            kind=kind,
            uploaded_file=form.cleaned_data["file"],
            actor=request.user,
            label=title,
            params=params(form.cleaned_data) if params else None,
        )
        if job.status == Job.Status.SUCCEEDED:
            messages.success(request, f"{title}: {job.summary}")
            return redirect(request.path)
        errors = job.error.splitlines()
    return render(request, "wqip/upload.html", {"form": form, "title": title, "errors": errors})


@finance_required
@require_http_methods(["GET", "POST"])
def upload_per_diems(request: AuthenticatedRequest) -> HttpResponse:
    def params(data: dict[str, Any]) -> dict[str, Any]:
        return {
            "program_year": data["program_year"],
            "exhibit": data["exhibit"],
            "received_on": data["received_on"].isoformat(),
        }

    return _upload_view(
        request, PerDiemUploadForm, "Per-diem exhibit", PER_DIEMS_IMPORT_JOB, params
    )


@finance_required
@require_http_methods(["GET", "POST"])
def upload_citations(request: AuthenticatedRequest) -> HttpResponse:
    return _upload_view(request, CitationUploadForm, "CDPH citations", CITATIONS_IMPORT_JOB)


@finance_required
@require_http_methods(["GET", "POST"])
def upload_opt_ins(request: AuthenticatedRequest) -> HttpResponse:
    return _upload_view(request, OptInUploadForm, "Opt-in decisions", OPT_INS_IMPORT_JOB)
