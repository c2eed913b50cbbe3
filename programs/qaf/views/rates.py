"""The QAF rate table: everyone who uses the QAF pages reads it; program admins load a CSV."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from portal.accounts.http import AuthenticatedRequest
from portal.files.csvio import CsvImportError
from programs.qaf.forms import CsvUploadForm
from programs.qaf.selectors import rate_years
from programs.qaf.services.rates import RATE_COLUMNS, RATE_OPTIONAL, import_rate_years
from programs.qaf.views.common import require_program_admin, require_qaf_user


def rate_list(request: AuthenticatedRequest) -> HttpResponse:
    require_qaf_user(request.user)
    return render(
        request,
        "qaf/rates.html",
        {
            "rates": rate_years(),
            "can_upload": request.user.is_superuser or request.user.role == "program_admin",
            "form": CsvUploadForm(),
            "columns": (*RATE_COLUMNS, *RATE_OPTIONAL),
        },
    )


@require_http_methods(["POST"])
def rate_upload(request: AuthenticatedRequest) -> HttpResponse:
    require_qaf_user(request.user)
    require_program_admin(request.user)
    form = CsvUploadForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            stored = import_rate_years(
                handle=upload, actor=request.user, source_name=upload.name or ""
            )
        except CsvImportError as exc:
            errors = [str(e) for e in exc.errors[:200]]
        else:
            messages.success(request, f"{len(stored)} rate year(s) loaded.")
            return redirect("qaf:rates")
    return render(
        request,
        "qaf/rates.html",
        {
            "rates": rate_years(),
            "can_upload": True,
            "form": form,
            "upload_errors": errors,
            "columns": (*RATE_COLUMNS, *RATE_OPTIONAL),
        },
        status=400,
    )
