"""Liaison pages: the queue, the SLA dashboard, paper disputes, case actions and determinations."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from disputes.forms import (
    AssignForm,
    DeterminationForm,
    PaperDisputeForm,
    QueueFilterForm,
    ReturnForm,
)
from disputes.models import Status
from disputes.selectors import (
    case_queue,
    is_overdue,
    sla_dashboard,
)
from disputes.services import case_work, determination, filing
from disputes.views.common import (
    SERVICE_ERRORS,
    flash_error,
    require_case_worker,
    worked_dispute,
)
from portal.accounts.http import AuthenticatedRequest
from portal.params import text_param

# --- liaisons ----------------------------------------------------------------------------------


def queue(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require_case_worker(user)
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = case_queue(user=user, **{k: v for k, v in filters.items() if v})
    return render(
        request,
        "disputes/queue.html",
        {"form": form, "rows": [(d, is_overdue(d)) for d in rows[:500]], "count": rows.count()},
    )


def sla(request: AuthenticatedRequest) -> HttpResponse:
    require_case_worker(request.user)
    return render(request, "disputes/sla.html", sla_dashboard(user=request.user))


def paper_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require_case_worker(user)
    form = PaperDisputeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            dispute = filing.enter_paper_dispute(
                facility=data.pop("facility"),
                program=data.pop("program"),
                program_year=data.pop("program_year"),
                dispute_type=data.pop("dispute_type"),
                received_on=data.pop("received_on"),
                actor=user,
                **data,
            )
        except SERVICE_ERRORS as exc:
            flash_error(request, exc)
        else:
            messages.success(request, f"Paper dispute {dispute.reference} entered.")
            return redirect(dispute)
    return render(
        request,
        "disputes/paper_create.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


CASE_ACTIONS = ("acknowledge", "take", "assign", "start_review", "return", "close")


@require_POST
def case_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    require_case_worker(user)
    dispute = worked_dispute(request, pk)
    if action not in CASE_ACTIONS:
        raise Http404
    try:
        if action == "acknowledge":
            case_work.acknowledge_dispute(dispute=dispute, actor=user)
        elif action == "take":
            case_work.assign_dispute(dispute=dispute, assignee=user, actor=user)
        elif action == "assign":
            form = AssignForm(request.POST, kind=dispute.facility.kind)
            if not form.is_valid():
                raise ValidationError("Choose a liaison.")
            case_work.assign_dispute(
                dispute=dispute,
                assignee=form.cleaned_data["assignee"],
                actor=user,
                reason=form.cleaned_data["reason"],
            )
        elif action == "start_review":
            case_work.start_review(dispute=dispute, actor=user)
        elif action == "return":
            return_form = ReturnForm(request.POST)
            if not return_form.is_valid():
                raise ValidationError("Say what is missing.")
            case_work.return_for_information(
                dispute=dispute, actor=user, missing=return_form.cleaned_data["missing"]
            )
        elif action == "close":
            case_work.close_dispute(
                dispute=dispute,
                actor=user,
                reason=text_param(request.POST.get("reason"), max_length=1000),
            )
    except SERVICE_ERRORS as exc:
        flash_error(request, exc)
    else:
        messages.success(request, "Done.")
    return redirect(dispute)


def determine(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    require_case_worker(user)
    dispute = worked_dispute(request, pk)
    if dispute.status != Status.UNDER_REVIEW:
        messages.info(request, "Start the review before issuing a determination.")
        return redirect(dispute)
    form = DeterminationForm(request.POST or None, dispute=dispute)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            determination.determine_dispute(
                dispute=dispute,
                actor=user,
                outcome=data["outcome"],
                reasoning=data["reasoning"],
                amount=data["amount"],
                adjustment_quantity=data.get("adjustment_quantity") or 0,
            )
        except SERVICE_ERRORS as exc:
            flash_error(request, exc)
        else:
            messages.success(request, "Determination issued; the facility has been notified.")
            return redirect(dispute)
    return render(
        request,
        "disputes/determine.html",
        {"dispute": dispute, "form": form},
        status=400 if request.method == "POST" else 200,
    )
