"""Dispute pages: facility filing and status, liaison case work, finance money outcomes.

Single objects are fetched through ``disputes.selectors`` (scoped by ``visible_facilities``), so
another facility's dispute, attachment or letter is a 404; internal notes and internal events
are only read for plan staff.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from disputes.clocks import FilingTooLate
from disputes.forms import (
    AssignForm,
    AttachmentForm,
    DeterminationForm,
    DisputeForm,
    MessageForm,
    NoteEditForm,
    NoteForm,
    PaperDisputeForm,
    QueueFilterForm,
    ReturnForm,
    StartDisputeForm,
)
from disputes.models import Determination, Dispute, Note, Status
from disputes.programs import (
    AdjustmentNotFound,
    DisputeProgram,
    ItemChoice,
    ItemKind,
    dispute_programs,
    find_program,
    get_program,
)
from disputes.selectors import (
    attachments_for,
    can_see_plan_side,
    case_queue,
    determinations_for,
    dispute_ledger_entries,
    disputes_for,
    editable_notes_for,
    is_overdue,
    money_outcome_sections,
    notes_for,
    sla_dashboard,
    timeline_for,
)
from disputes.services import case_work, determination, filing, money, notes
from disputes.services.common import InvalidTransition, is_case_worker, is_facility_user
from payments.models import PaymentRun
from payments.services import PaymentRunError
from portal.accounts.permissions import is_finance
from portal.models import Role, User
from portal.params import id_param, int_param, text_param
from portal.registry.selectors import visible_facilities

SERVICE_ERRORS = (
    InvalidTransition,
    ValidationError,
    FilingTooLate,
    PaymentRunError,
    PermissionDenied,
)


def _flash(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, str(exc) or "You may not do that.")


def _require_facility(user: User) -> None:
    if not is_facility_user(user):
        raise PermissionDenied("This page is for facility users.")


def _require_case_worker(user: User) -> None:
    if not is_case_worker(user):
        raise PermissionDenied("This page is for LTSS liaisons and program administrators.")


def _require_viewer(user: User) -> None:
    if not (is_facility_user(user) or can_see_plan_side(user)):
        raise PermissionDenied


def _dispute(request: HttpRequest, pk: int) -> Dispute:
    return get_object_or_404(disputes_for(user=request.user), pk=pk)


# --- facility -----------------------------------------------------------------------------------


def dispute_list(request: HttpRequest) -> HttpResponse:
    _require_facility(request.user)
    disputes = disputes_for(user=request.user).order_by("-created_at")
    return render(request, "disputes/dispute_list.html", {"disputes": disputes})


def _prefill_program(params: Any) -> DisputeProgram | None:
    """The program a prefill link is for: ``?program=``, else the first program that reads
    one of the link's parameters (WQIP: ``member_range``, ``month``)."""
    if "program" in params:
        return find_program(text_param(params.get("program"), max_length=30))
    for program in dispute_programs():
        if any(kind.prefill_param in params for kind in program.item_kinds if kind.prefill_param):
            return program
    return None


def _prefill(user: User, params: Any) -> tuple[dict[str, Any], str]:
    """The start form's initial data from a link (``?member_range=<id>`` from WQIP's bed-day
    drill-down, ``?month=&facility=&year=``) and what the page says about its item; another
    facility's item is a 404. An item that names its facility wins over one that does not."""
    program = _prefill_program(params)
    if program is None:
        return {}, ""
    found: list[tuple[ItemKind, ItemChoice]] = []
    for kind in program.item_kinds:
        if not kind.prefill_param:
            continue
        key = int_param(params.get(kind.prefill_param), min_value=1, max_value=kind.max_key)
        if key is None:
            continue
        item = program.find_item(user=user, kind=kind.kind, key=key)
        if item is None:
            raise Http404
        found.append((kind, item))
    if not found:
        return {}, ""
    kind, item = min(found, key=lambda pair: pair[1].facility_id is None)
    initial: dict[str, Any] = {
        "program": program.program,
        "dispute_type": kind.prefill_type,
        kind.prefill_param: item.key,
    }
    facility = item.facility_id or id_param(params.get("facility"))
    year = item.program_year or int_param(params.get("year"), min_value=1)
    if facility is not None:
        initial["facility"] = facility
    if year is not None:
        initial["program_year"] = year
    return initial, program.prefill_sentence(item)


def dispute_start(request: HttpRequest) -> HttpResponse:
    """Start a draft; a link from a program's report (``?member_range=`` / ``?month=``)
    prefills the facility, year, type and the first disputed item."""
    user = request.user
    _require_facility(user)
    initial, prefill_sentence = _prefill(user, request.GET)
    posted_facility = id_param(request.POST.get("facility"))
    if (
        posted_facility is not None
        and not visible_facilities(user=user).filter(pk=posted_facility).exists()
    ):
        raise Http404  # another facility's id: the same answer as for any foreign object
    form = StartDisputeForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        program = get_program(data["program"])
        items = []
        for kind, key in form.prefilled_keys():
            item = program.find_item(user=user, kind=kind.kind, key=key)
            if item is None:
                raise Http404
            items.append(item)
        try:
            dispute = filing.create_dispute_draft(
                facility=data["facility"],
                program=data["program"],
                program_year=data["program_year"],
                dispute_type=data["dispute_type"],
                filed_by=user,
                items=items,
            )
        except SERVICE_ERRORS as exc:
            _flash(request, exc)
        else:
            messages.success(request, f"Draft {dispute.reference} saved. Complete the filing.")
            return redirect("disputes:dispute_edit", dispute.pk)
    return render(
        request,
        "disputes/dispute_start.html",
        {"form": form, "prefill_sentence": prefill_sentence},
        status=400 if request.method == "POST" else 200,
    )


def dispute_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_facility(user)
    dispute = _dispute(request, pk)
    if not dispute.is_editable:
        messages.info(request, "This dispute can no longer be changed.")
        return redirect(dispute)
    form = DisputeForm(request.POST or None, user=user, dispute=dispute)
    if request.method == "POST" and form.is_valid():
        try:
            filing.update_dispute(
                dispute=dispute, actor=user, items=form.chosen_items(), **form.filing_fields()
            )
        except SERVICE_ERRORS as exc:
            _flash(request, exc)
        else:
            if "submit" in request.POST:
                return _submit(request, dispute)
            messages.success(request, "Saved.")
            return redirect("disputes:dispute_edit", dispute.pk)
    return render(
        request,
        "disputes/dispute_edit.html",
        {
            "dispute": dispute,
            "form": form,
            "filing_panel": get_program(dispute.program).filing_panel(user=user, dispute=dispute),
            "missing": filing.missing_contents(dispute),
            "attachments": dispute.attachments.all(),
            "attachment_form": AttachmentForm(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _submit(request: HttpRequest, dispute: Dispute) -> HttpResponse:
    try:
        if dispute.status == Status.RETURNED:
            case_work.amend_dispute(dispute=dispute, actor=request.user)
            messages.success(request, "Amended dispute sent. The 45-working-day clock restarts.")
        else:
            filing.submit_dispute(dispute=dispute, actor=request.user)
            messages.success(request, "Dispute submitted and acknowledged.")
    except SERVICE_ERRORS as exc:
        _flash(request, exc)
        return redirect("disputes:dispute_edit", dispute.pk)
    return redirect(dispute)


@require_POST
def dispute_submit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_facility(request.user)
    return _submit(request, _dispute(request, pk))


@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    _require_viewer(request.user)
    dispute = _dispute(request, pk)
    if not (is_facility_user(request.user) or is_case_worker(request.user)):
        raise PermissionDenied("Only the facility and the liaisons add attachments.")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            notes.upload_attachment(
                dispute=dispute, upload=form.cleaned_data["file"], actor=request.user
            )
            messages.success(request, "Attachment uploaded.")
        except SERVICE_ERRORS as exc:
            _flash(request, exc)
    else:
        messages.error(request, "Choose a file to upload.")
    if dispute.is_editable and is_facility_user(request.user):
        return redirect("disputes:dispute_edit", dispute.pk)
    return redirect(dispute)


def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    _require_viewer(request.user)
    attachment = get_object_or_404(attachments_for(user=request.user), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing.") from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.download_name,
        content_type=attachment.content_type,
    )


def letter_download(request: HttpRequest, pk: int) -> FileResponse:
    _require_viewer(request.user)
    decision = get_object_or_404(determinations_for(user=request.user), dispute_id=pk)
    if not decision.letter:
        raise Http404("No letter.")
    try:
        handle = decision.letter.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The letter is missing.") from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"determination-{decision.dispute.reference}.pdf",
        content_type="application/pdf",
    )


@require_POST
def second_level(request: HttpRequest, pk: int) -> HttpResponse:
    _require_facility(request.user)
    parent = _dispute(request, pk)
    try:
        dispute = determination.file_second_level(parent=parent, actor=request.user)
    except SERVICE_ERRORS as exc:
        _flash(request, exc)
        return redirect(parent)
    messages.success(request, f"Second-level draft {dispute.reference} created.")
    return redirect("disputes:dispute_edit", dispute.pk)


# --- shared detail page -------------------------------------------------------------------------


def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_viewer(user)
    dispute = _dispute(request, pk)
    plan_side = can_see_plan_side(user)
    is_worker = is_case_worker(user)
    decision = getattr(dispute, "determination", None)
    program = dispute.dispute_program
    items = list(dispute.items.all())
    masked = not is_worker  # unmasked member IDs only for the liaisons working the case
    if any(item.member_id for item in items):
        notes.log_member_rows_viewed(dispute=dispute, viewer=user, masked=masked)
    context: dict[str, Any] = {
        "dispute": dispute,
        "facility": dispute.facility,
        "plan_side": plan_side,
        "is_case_worker": is_worker,
        "is_facility_user": is_facility_user(user),
        "items": [
            {"label": item.label(masked=masked), "days": item.days, "outcome": item.outcome}
            for item in items
        ],
        "attachments": dispute.attachments.all(),
        "notes": notes_for(user=user, dispute=dispute),
        "timeline": timeline_for(user=user, dispute=dispute),
        "determination": decision,
        "adjustment": program.adjustment_of(decision)
        if program and decision and decision.adjustment_id
        else None,
        "adjustment_unit": program.adjustment_unit if program else "",
        "ledger_entries": dispute_ledger_entries(dispute),
        "is_overdue": is_overdue(dispute),
        "second_level": dispute.second_levels.first(),
        "message_form": NoteForm() if plan_side else MessageForm(),
        "attachment_form": AttachmentForm(),
    }
    if is_worker:
        context["assign_form"] = AssignForm(initial={"assignee": dispute.assignee_id})
        context["return_form"] = ReturnForm()
    return render(request, "disputes/dispute_detail.html", context)


@require_POST
def add_message(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_viewer(user)
    dispute = _dispute(request, pk)
    plan_side = can_see_plan_side(user)
    form = NoteForm(request.POST) if plan_side else MessageForm(request.POST)
    if form.is_valid():
        visibility = form.cleaned_data.get("visibility", Note.Visibility.SHARED)
        try:
            notes.add_note(
                dispute=dispute, author=user, body=form.cleaned_data["body"], visibility=visibility
            )
            messages.success(request, "Message saved.")
        except SERVICE_ERRORS as exc:
            _flash(request, exc)
    else:
        messages.error(request, "Write a message first.")
    return redirect(dispute)


def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_viewer(user)
    note = get_object_or_404(editable_notes_for(user=user), pk=pk)
    if note.is_internal and not can_see_plan_side(user):
        raise Http404
    if not notes.can_edit_note(note=note, user=user):
        raise PermissionDenied("You cannot edit this note.")
    form = NoteEditForm(request.POST or None, initial={"body": note.body})
    if request.method == "POST" and form.is_valid():
        try:
            notes.edit_note(note=note, editor=user, body=form.cleaned_data["body"])
        except SERVICE_ERRORS as exc:
            _flash(request, exc)
        else:
            messages.success(request, "Note updated; the earlier text is kept as a revision.")
            return redirect(note.dispute)
    return render(
        request,
        "disputes/note_edit.html",
        {"note": note, "form": form, "revisions": note.revisions.select_related("edited_by")},
        status=400 if request.method == "POST" else 200,
    )


# --- liaisons ----------------------------------------------------------------------------------


def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_case_worker(user)
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = case_queue(user=user, **{k: v for k, v in filters.items() if v})
    return render(
        request,
        "disputes/queue.html",
        {"form": form, "rows": [(d, is_overdue(d)) for d in rows[:500]], "count": rows.count()},
    )


def sla(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request.user)
    return render(request, "disputes/sla.html", sla_dashboard(user=request.user))


def paper_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_case_worker(user)
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
            _flash(request, exc)
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
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    _require_case_worker(user)
    dispute = _dispute(request, pk)
    if action not in CASE_ACTIONS:
        raise Http404
    try:
        if action == "acknowledge":
            case_work.acknowledge_dispute(dispute=dispute, actor=user)
        elif action == "take":
            case_work.assign_dispute(dispute=dispute, assignee=user, actor=user)
        elif action == "assign":
            form = AssignForm(request.POST)
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
            form = ReturnForm(request.POST)
            if not form.is_valid():
                raise ValidationError("Say what is missing.")
            case_work.return_for_information(
                dispute=dispute, actor=user, missing=form.cleaned_data["missing"]
            )
        elif action == "close":
            case_work.close_dispute(
                dispute=dispute,
                actor=user,
                reason=text_param(request.POST.get("reason"), max_length=1000),
            )
    except SERVICE_ERRORS as exc:
        _flash(request, exc)
    else:
        messages.success(request, "Done.")
    return redirect(dispute)


def determine(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_case_worker(user)
    dispute = _dispute(request, pk)
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
            _flash(request, exc)
        else:
            messages.success(request, "Determination issued; the facility has been notified.")
            return redirect(dispute)
    return render(
        request,
        "disputes/determine.html",
        {"dispute": dispute, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- finance -----------------------------------------------------------------------------------


def money_outcomes(request: HttpRequest) -> HttpResponse:
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
def adjustment_approve(request: HttpRequest, pk: int) -> HttpResponse:
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
        _flash(request, exc)
    return redirect("disputes:money_outcomes")


@require_POST
def supplemental_run(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if not is_finance(user):
        raise PermissionDenied("Only finance users start payment runs.")
    dispute = _dispute(request, pk)
    try:
        run = money.start_supplemental_run(dispute=dispute, actor=user)
        messages.success(
            request, f"Supplemental run {run.pk} computed; another finance approver approves it."
        )
    except SERVICE_ERRORS as exc:
        _flash(request, exc)
    return redirect("disputes:money_outcomes")


@require_POST
def supplemental_run_approve(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    user = request.user
    if user.role != Role.FINANCE_APPROVER:
        raise PermissionDenied("Only finance approvers approve payment runs.")
    dispute = _dispute(request, pk)
    run = get_object_or_404(
        PaymentRun, pk=run_pk, program=dispute.program, program_year=dispute.program_year
    )
    try:
        money.approve_supplemental_run(dispute=dispute, run=run, approver=user)
        messages.success(request, f"Run {run.pk} approved and posted to the ledger.")
    except SERVICE_ERRORS as exc:
        _flash(request, exc)
    return redirect("disputes:money_outcomes")
