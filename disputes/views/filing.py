"""Facility pages: filing, editing and submitting a dispute, attachments, letters, the second
level; the shared case page with messages and notes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from disputes.forms import (
    AssignForm,
    AttachmentForm,
    DisputeForm,
    MessageForm,
    NoteEditForm,
    NoteForm,
    ReturnForm,
    StartDisputeForm,
)
from disputes.models import Dispute, Note, Status
from disputes.programs import (
    DisputeProgram,
    ItemChoice,
    ItemKind,
    dispute_programs,
    find_program,
    get_program,
)
from disputes.selectors import (
    attachments_for,
    determinations_for,
    dispute_ledger_entries,
    disputes_for,
    editable_notes_for,
    is_overdue,
    notes_for,
    sees_plan_side,
    timeline_for,
)
from disputes.services import case_work, determination, filing, notes
from disputes.services.common import is_provider_user
from disputes.views.common import (
    SERVICE_ERRORS,
    dispute_for,
    flash_error,
    require_provider,
    require_viewer,
)
from portal.accounts.http import AuthenticatedRequest
from portal.cases.roles import is_case_worker_of
from portal.files.responses import stored_file_response
from portal.models import User
from portal.params import id_param, int_param, text_param
from portal.registry.selectors import visible_organisations

# --- facility -----------------------------------------------------------------------------------


def dispute_list(request: AuthenticatedRequest) -> HttpResponse:
    require_provider(request.user)
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


def dispute_start(request: AuthenticatedRequest) -> HttpResponse:
    """Start a draft; a link from a program's report (``?member_range=`` / ``?month=``)
    prefills the facility, year, type and the first disputed item."""
    user = request.user
    require_provider(user)
    initial, prefill_sentence = _prefill(user, request.GET)
    posted_facility = id_param(request.POST.get("facility"))
    if (
        posted_facility is not None
        and not visible_organisations(user=user).filter(pk=posted_facility).exists()
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
            flash_error(request, exc)
        else:
            messages.success(request, f"Draft {dispute.reference} saved. Complete the filing.")
            return redirect("disputes:dispute_edit", dispute.pk)
    return render(
        request,
        "disputes/dispute_start.html",
        {"form": form, "prefill_sentence": prefill_sentence},
        status=400 if request.method == "POST" else 200,
    )


def dispute_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    require_provider(user)
    dispute = dispute_for(request, pk)
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
            flash_error(request, exc)
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


def _submit(request: AuthenticatedRequest, dispute: Dispute) -> HttpResponse:
    try:
        if dispute.status == Status.RETURNED:
            case_work.amend_dispute(dispute=dispute, actor=request.user)
            messages.success(request, "Amended dispute sent. The 45-working-day clock restarts.")
        else:
            filing.submit_dispute(dispute=dispute, actor=request.user)
            messages.success(request, "Dispute submitted and acknowledged.")
    except SERVICE_ERRORS as exc:
        flash_error(request, exc)
        return redirect("disputes:dispute_edit", dispute.pk)
    return redirect(dispute)


@require_POST
def dispute_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require_provider(request.user)
    return _submit(request, dispute_for(request, pk))


@require_POST
def attachment_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require_viewer(request.user)
    dispute = dispute_for(request, pk)
    if not (
        is_provider_user(request.user) or is_case_worker_of(request.user, dispute.facility.kind)
    ):
        raise PermissionDenied("Only the organisation and the plan's case team add attachments.")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            notes.upload_attachment(
                dispute=dispute, upload=form.cleaned_data["file"], actor=request.user
            )
            messages.success(request, "Attachment uploaded.")
        except SERVICE_ERRORS as exc:
            flash_error(request, exc)
    else:
        messages.error(request, "Choose a file to upload.")
    if dispute.is_editable and is_provider_user(request.user):
        return redirect("disputes:dispute_edit", dispute.pk)
    return redirect(dispute)


def attachment_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    require_viewer(request.user)
    attachment = get_object_or_404(attachments_for(user=request.user), pk=pk)
    return stored_file_response(
        attachment.file, filename=attachment.download_name, content_type=attachment.content_type
    )


def letter_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    require_viewer(request.user)
    decision = get_object_or_404(determinations_for(user=request.user), dispute_id=pk)
    if not decision.letter:
        raise Http404("No letter.")
    return stored_file_response(
        decision.letter,
        filename=f"determination-{decision.dispute.reference}.pdf",
        content_type="application/pdf",
    )


@require_POST
def second_level(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require_provider(request.user)
    parent = dispute_for(request, pk)
    try:
        dispute = determination.file_second_level(parent=parent, actor=request.user)
    except SERVICE_ERRORS as exc:
        flash_error(request, exc)
        return redirect(parent)
    messages.success(request, f"Second-level draft {dispute.reference} created.")
    return redirect("disputes:dispute_edit", dispute.pk)


# --- shared detail page -------------------------------------------------------------------------


def dispute_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    require_viewer(user)
    dispute = dispute_for(request, pk)
    plan_side = sees_plan_side(user, dispute)
    is_worker = is_case_worker_of(user, dispute.facility.kind)
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
        "is_facility_user": is_provider_user(user),
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
        context["assign_form"] = AssignForm(
            initial={"assignee": dispute.assignee_id}, kind=dispute.facility.kind
        )
        context["return_form"] = ReturnForm()
    return render(request, "disputes/dispute_detail.html", context)


@require_POST
def add_message(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    require_viewer(user)
    dispute = dispute_for(request, pk)
    plan_side = sees_plan_side(user, dispute)
    form = NoteForm(request.POST) if plan_side else MessageForm(request.POST)
    if form.is_valid():
        visibility = form.cleaned_data.get("visibility", Note.Visibility.SHARED)
        try:
            notes.add_note(
                dispute=dispute, author=user, body=form.cleaned_data["body"], visibility=visibility
            )
            messages.success(request, "Message saved.")
        except SERVICE_ERRORS as exc:
            flash_error(request, exc)
    else:
        messages.error(request, "Write a message first.")
    return redirect(dispute)


def note_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    require_viewer(user)
    note = get_object_or_404(editable_notes_for(user=user), pk=pk)
    if note.is_internal and not sees_plan_side(user, note.dispute):
        raise Http404
    if not notes.can_edit_note(note=note, user=user):
        raise PermissionDenied("You cannot edit this note.")
    form = NoteEditForm(request.POST or None, initial={"body": note.body})
    if request.method == "POST" and form.is_valid():
        try:
            notes.edit_note(note=note, editor=user, body=form.cleaned_data["body"])
        except SERVICE_ERRORS as exc:
            flash_error(request, exc)
        else:
            messages.success(request, "Note updated; the earlier text is kept as a revision.")
            return redirect(note.dispute)
    return render(
        request,
        "disputes/note_edit.html",
        {"note": note, "form": form, "revisions": note.revisions.select_related("edited_by")},
        status=400 if request.method == "POST" else 200,
    )
