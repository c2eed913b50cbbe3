"""Finance pages: money outcomes of determinations, adjustment approval, supplemental runs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from disputes.models import Determination
from disputes.programs import (
    AdjustmentNotFound,
    get_program,
)
from disputes.selectors import (
    money_outcome_sections,
)
from disputes.services import money
from disputes.views.common import SERVICE_ERRORS, dispute_for, flash_error
from payments.models import PaymentRun
from portal.accounts.http import AuthenticatedRequest
from portal.accounts.permissions import is_finance
from portal.models import Role
from portal.params import text_param

# --- finance -----------------------------------------------------------------------------------


def money_outcomes(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not is_finance(user):
        raise PermissionDenied("This page is for finance users.")
    return render(
        request,
        "disputes/money_outcomes.html",
        {
            "sections": money_outcome_sections(),
            "is_approver": user.role == Role.FINANCE_APPROVER,
        },
    )


@require_POST
def adjustment_approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """``pk`` is the program's id of the adjustment (``Determination.adjustment_id``); the
    form names the program when two programs use the same id."""
    user = request.user
    if user.role != Role.FINANCE_APPROVER:
        raise PermissionDenied("Only finance approvers approve adjustments.")
    decisions = Determination.objects.filter(adjustment_id=pk).select_related("dispute")
    if "program" in request.POST:
        decisions = decisions.filter(
            dispute__program=text_param(request.POST.get("program"), max_length=30)
        )
    found = list(decisions[:2])
    if len(found) != 1:
        raise Http404
    try:
        money.approve_dispute_adjustment(determination=found[0], approver=user)
        name = get_program(found[0].dispute.program).adjustment_name
        messages.success(request, f"{name} approved.")
    except AdjustmentNotFound as exc:
        raise Http404 from exc
    except SERVICE_ERRORS as exc:
        flash_error(request, exc)
    return redirect("disputes:money_outcomes")


@require_POST
def supplemental_run(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    if not is_finance(user):
        raise PermissionDenied("Only finance users start payment runs.")
    dispute = dispute_for(request, pk)
    try:
        run = money.start_supplemental_run(dispute=dispute, actor=user)
        messages.success(
            request, f"Supplemental run {run.pk} computed; another finance approver approves it."
        )
    except SERVICE_ERRORS as exc:
        flash_error(request, exc)
    return redirect("disputes:money_outcomes")


@require_POST
def supplemental_run_approve(request: AuthenticatedRequest, pk: int, run_pk: int) -> HttpResponse:
    user = request.user
    if user.role != Role.FINANCE_APPROVER:
        raise PermissionDenied("Only finance approvers approve payment runs.")
    dispute = dispute_for(request, pk)
    run = get_object_or_404(
        PaymentRun, pk=run_pk, program=dispute.program, program_year=dispute.program_year
    )
    try:
        money.approve_supplemental_run(dispute=dispute, run=run, approver=user)
        messages.success(request, f"Run {run.pk} approved and posted to the ledger.")
    except SERVICE_ERRORS as exc:
        flash_error(request, exc)
    return redirect("disputes:money_outcomes")
