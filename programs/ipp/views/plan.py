"""The plan's IPP pages: program years (split, submissions, money, 5% cap), a submission's
measures and results (every figure with the inputs it comes from), the catalogue import and
the year's money with DHCS (the payments ledger's state account: receipts, and returns and
offsets a second person approves)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from payments.models import LedgerEntry
from portal.accounts.http import AuthenticatedRequest
from portal.files.csvio import CsvImportError
from portal.files.responses import stored_file_response
from programs.ipp import engine, selectors
from programs.ipp.forms import CsvUploadForm, FundsEntryForm, ResultForm
from programs.ipp.models import IppLetter, IppMeasure, IppProgramYear, IppSubmission
from programs.ipp.selectors import program_years
from programs.ipp.services.applications import store_pdf
from programs.ipp.services.catalogue import (
    CATALOGUE_COLUMNS,
    CATALOGUE_OPTIONAL,
    import_catalogue,
    record_result,
    submission_figures,
)
from programs.ipp.services.funds import (
    FundsError,
    approve_funds_transfer,
    reconciliation,
    record_funds_entry,
    reject_funds_transfer,
    year_balance,
    year_cap_check,
    year_entries,
    year_pending,
)
from programs.ipp.views.common import (
    can_record_funds,
    require_approver,
    require_funds,
    require_plan,
    require_program_admin,
)


def years(request: AuthenticatedRequest) -> HttpResponse:
    require_plan(request.user)
    rows = [
        {"year": y, "cap": year_cap_check(y), "balance": year_balance(y)} for y in program_years()
    ]
    return render(
        request,
        "ipp/years.html",
        {
            "rows": rows,
            "form": CsvUploadForm(),
            "columns": (*CATALOGUE_COLUMNS, *CATALOGUE_OPTIONAL),
            "can_import": request.user.is_superuser or request.user.role == "program_admin",
        },
    )


def _year_context(request: AuthenticatedRequest, year: IppProgramYear, **extra: object) -> dict:  # type: ignore[type-arg]
    submissions = list(year.submissions.all())
    split_errors = (
        engine.check_py1_split(
            shares=year.shares(),
            gap_filling_areas=year.gap_filling_areas,
            has_community_supports=year.has_community_supports,
        )
        if year.number == 1
        else []
    )
    cap = year_cap_check(year)
    codes = {str(s.pk): s.code for s in submissions}
    return {
        "year": year,
        "balance": year_balance(year),
        "split_errors": split_errors,
        "shares": [(area, engine.AREA_NAMES[area], year.shares()[area]) for area in engine.AREAS],
        "money": [reconciliation(s) for s in submissions],
        "cap": cap,
        "entries": [(e, codes.get(e.source_id, "")) for e in year_entries(year)],
        "pending": [(t, codes.get(t.source_id, "")) for t in year_pending(year)],
        "can_approve": request.user.role == "finance_approver",
        "applications": year.applications.select_related("organisation"),
        "funds_form": extra.pop("funds_form", None) or FundsEntryForm(submissions=submissions),
        "can_record": can_record_funds(request.user),
        **extra,
    }


def year_detail(request: AuthenticatedRequest, number: int) -> HttpResponse:
    require_plan(request.user)
    year = get_object_or_404(IppProgramYear, number=number)
    return render(request, "ipp/year.html", _year_context(request, year))


@require_http_methods(["POST"])
def funds_entry(request: AuthenticatedRequest, number: int) -> HttpResponse:
    require_plan(request.user)
    require_funds(request.user)
    year = get_object_or_404(IppProgramYear, number=number)
    submissions = list(year.submissions.all())
    form = FundsEntryForm(request.POST, submissions=submissions)
    if form.is_valid():
        submission = next(s for s in submissions if s.pk == form.cleaned_data["submission"])
        try:
            recorded = record_funds_entry(
                submission=submission,
                kind=form.cleaned_data["kind"],
                amount=form.cleaned_data["amount"],
                on_date=form.cleaned_data["on_date"],
                memo=form.cleaned_data["memo"],
                actor=request.user,
            )
        except FundsError as exc:
            form.add_error("amount", str(exc))
        else:
            if isinstance(recorded, LedgerEntry):
                messages.success(request, "Receipt posted to the ledger.")
            else:
                messages.success(
                    request,
                    "Request recorded: a finance approver other than you must approve it "
                    "before it is posted to the ledger.",
                )
            return redirect("ipp:year", number=number)
    return render(
        request, "ipp/year.html", _year_context(request, year, funds_form=form), status=400
    )


@require_http_methods(["POST"])
def transfer_decide(request: AuthenticatedRequest, number: int, pk: int) -> HttpResponse:
    """A finance approver (not the person who asked) approves or rejects money going back."""
    require_plan(request.user)
    require_approver(request.user)
    year = get_object_or_404(IppProgramYear, number=number)
    transfer = get_object_or_404(year_pending(year), pk=pk)
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            approve_funds_transfer(transfer=transfer, approver=request.user)
            messages.success(request, "Approved and posted to the ledger.")
        elif decision == "reject":
            reject_funds_transfer(
                transfer=transfer, approver=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(request, "Request rejected.")
        else:
            messages.error(request, "Choose approve or reject.")
    except FundsError as exc:
        messages.error(request, str(exc).capitalize() + ".")
    return redirect("ipp:year", number=number)


@require_http_methods(["POST"])
def catalogue_upload(request: AuthenticatedRequest) -> HttpResponse:
    require_plan(request.user)
    require_program_admin(request.user)
    form = CsvUploadForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = import_catalogue(
                handle=upload, actor=request.user, source_name=upload.name or ""
            )
        except CsvImportError as exc:
            errors = [str(e) for e in exc.errors[:200]]
        else:
            messages.success(request, f"{count} measure(s) loaded.")
            return redirect("ipp:years")
    rows = [
        {"year": y, "cap": year_cap_check(y), "balance": year_balance(y)} for y in program_years()
    ]
    return render(
        request,
        "ipp/years.html",
        {
            "rows": rows,
            "form": form,
            "upload_errors": errors,
            "columns": (*CATALOGUE_COLUMNS, *CATALOGUE_OPTIONAL),
            "can_import": True,
        },
        status=400,
    )


def submission_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require_plan(request.user)
    submission = selectors.submission(pk=pk)
    return render(
        request,
        "ipp/submission.html",
        {
            "submission": submission,
            "figures": submission_figures(submission),
            "money": reconciliation(submission),
            "letters": submission.letters.all(),
            "can_record": request.user.is_superuser or request.user.role == "program_admin",
            "result_form": ResultForm(),
        },
    )


@require_http_methods(["POST"])
def result(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require_plan(request.user)
    require_program_admin(request.user)
    measure = get_object_or_404(IppMeasure, pk=pk)
    form = ResultForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Measure {measure.code}: the result was not understood.")
    else:
        try:
            record_result(
                measure=measure,
                actor=request.user,
                reported=form.cleaned_data["reported"],
                met=form.cleaned_data["met"],
                tier=form.cleaned_data["tier"],
            )
        except engine.MeasureError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Result of measure {measure.code} recorded.")
    return redirect("ipp:submission", pk=measure.submission_id)


@require_http_methods(["POST"])
def letter_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require_plan(request.user)
    require_program_admin(request.user)
    submission = get_object_or_404(IppSubmission, pk=pk)
    upload = request.FILES.get("letter")
    if upload is None:
        messages.error(request, "Choose the DHCS letter (PDF).")
    else:
        try:
            store_pdf(IppLetter, upload, actor=request.user, submission=submission)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "DHCS letter stored.")
    return redirect("ipp:submission", pk=pk)


def letter_download(request: AuthenticatedRequest, pk: int, letter_id: int) -> HttpResponseBase:
    require_plan(request.user)
    letter = selectors.letter(submission_id=pk, letter_id=letter_id)
    return stored_file_response(
        letter.file, filename=letter.download_name, content_type=letter.content_type
    )
