"""Inquiry pages: the organisation's list, new inquiry and draft, the case page with its
thread, attachments and actions; the liaisons' list and SLA view."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from portal.accounts.http import AuthenticatedRequest
from portal.cases.roles import (
    can_see_staff_side,
    case_kinds,
    is_any_case_worker,
    is_case_worker_of,
    is_provider_user,
)
from portal.cases.services import can_edit_note
from portal.inquiries import services
from portal.inquiries.actions import actions_for
from portal.inquiries.forms import (
    AssignForm,
    AttachmentForm,
    InquiryForm,
    MessageEditForm,
    MessageForm,
    QueueFilterForm,
    ReopenForm,
)
from portal.inquiries.models import Inquiry, Status
from portal.inquiries.selectors import (
    attachments_for,
    inquiries_for,
    inquiry_queue,
    is_overdue,
    messages_for,
    sla_dashboard,
    thread_for,
    timeline_for,
)
from portal.models import User
from portal.params import id_param
from portal.registry.selectors import visible_organisations

SERVICE_ERRORS = (services.InvalidTransition, ValidationError, PermissionDenied)


def _flash(request: AuthenticatedRequest, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, str(exc) or "You may not do that.")


def _require_provider(user: User) -> None:
    if not is_provider_user(user):
        raise PermissionDenied("This page is for the users of provider organisations.")


def _require_case_worker(user: User) -> None:
    if not is_any_case_worker(user):
        raise PermissionDenied("This page is for the plan's case teams.")


def _require_viewer(user: User) -> None:
    if not (is_provider_user(user) or can_see_staff_side(user)):
        raise PermissionDenied


def _require_party(user: User) -> None:
    """Who writes on an inquiry: the organisation's users and the liaisons (other plan staff
    read it)."""
    if not (is_provider_user(user) or is_any_case_worker(user)):
        raise PermissionDenied("Only the organisation and the plan's team write on an inquiry.")


def _inquiry(request: AuthenticatedRequest, pk: int) -> Inquiry:
    return get_object_or_404(inquiries_for(user=request.user), pk=pk)


# --- the organisation ---------------------------------------------------------------------------


def inquiry_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_provider(request.user)
    rows = inquiries_for(user=request.user).order_by("-created_at", "-pk")
    return render(request, "inquiries/inquiry_list.html", {"inquiries": rows})


def _save(request: AuthenticatedRequest, form: InquiryForm, inquiry: Inquiry | None) -> Any:
    data = form.cleaned_data
    try:
        saved = services.save_draft(
            organisation=data["organisation"],
            author=request.user,
            category=data["category"],
            subject=data["subject"],
            body=data.get("body") or "",
            member_cin=data.get("member_cin") or "",
            service_from=data.get("service_from"),
            service_to=data.get("service_to"),
            inquiry=inquiry,
        )
        if "submit" in request.POST:
            saved = services.submit_inquiry(inquiry=saved, actor=request.user)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None
    except SERVICE_ERRORS as exc:
        form.add_error(None, str(exc))
        return None
    return saved


def _form_page(request: AuthenticatedRequest, inquiry: Inquiry | None) -> HttpResponse:
    form = InquiryForm(request.POST or None, instance=inquiry, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, inquiry)
        if saved is not None:
            if saved.status == Status.DRAFT:
                messages.success(request, "Draft saved. Nothing has been sent to the plan yet.")
                return redirect("inquiries:inquiry_edit", saved.pk)
            messages.success(
                request,
                f"Inquiry {saved.case_number} sent to the plan. We reply within 2 working days.",
            )
            return redirect(saved)
    context = {
        "form": form,
        "inquiry": inquiry,
        "attachments": inquiry.attachments.all() if inquiry else [],
        "attachment_form": AttachmentForm(),
    }
    return render(
        request,
        "inquiries/inquiry_form.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


def inquiry_start(request: AuthenticatedRequest) -> HttpResponse:
    _require_provider(request.user)
    posted = id_param(request.POST.get("organisation"))
    visible = visible_organisations(user=request.user)
    if posted is not None and not visible.filter(pk=posted).exists():
        raise Http404  # another organisation's id: the same answer as for any foreign object
    return _form_page(request, None)


def inquiry_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _require_provider(request.user)
    inquiry = _inquiry(request, pk)
    if inquiry.status != Status.DRAFT:
        return redirect(inquiry)
    return _form_page(request, inquiry)


# --- the case page ------------------------------------------------------------------------------


def inquiry_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_viewer(user)
    inquiry = _inquiry(request, pk)
    if inquiry.status == Status.DRAFT:
        return redirect("inquiries:inquiry_edit", inquiry.pk)
    plan_side = can_see_staff_side(user)
    worker = is_case_worker_of(user, inquiry.organisation.kind)
    show_member = inquiry.has_member_reference and services.may_see_member(
        user=user, inquiry=inquiry
    )
    if show_member:
        services.log_member_view(inquiry=inquiry, viewer=user, path=request.path)
    context: dict[str, Any] = {
        "inquiry": inquiry,
        "organisation": inquiry.organisation,
        "plan_side": plan_side,
        "is_case_worker": worker,
        "is_facility_user": is_provider_user(user),
        "show_member": show_member,
        "thread": thread_for(user=user, inquiry=inquiry),
        "attachments": inquiry.attachments.all(),
        "timeline": timeline_for(user=user, inquiry=inquiry),
        "is_overdue": is_overdue(inquiry),
        "can_reopen": services.can_reopen(inquiry) and is_provider_user(user),
        "message_form": MessageForm(plan_side=plan_side),
        "attachment_form": AttachmentForm(),
        "reopen_form": ReopenForm(),
        "other_actions": actions_for(user, inquiry),
        "dispute": getattr(inquiry, "dispute", None),
    }
    if worker:
        context["assign_form"] = AssignForm(
            initial={"assignee": inquiry.assignee_id}, kind=inquiry.organisation.kind
        )
        context["may_reassign"] = services.may_assign(actor=user, inquiry=inquiry, assignee=None)
    return render(request, "inquiries/inquiry_detail.html", context)


@require_POST
def message_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_party(user)
    inquiry = _inquiry(request, pk)
    form = MessageForm(request.POST, plan_side=not is_provider_user(user))
    if form.is_valid():
        try:
            services.post_message(
                inquiry=inquiry,
                author=user,
                body=form.cleaned_data["body"],
                internal=bool(form.cleaned_data.get("internal")),
            )
            messages.success(request, "Message saved.")
        except SERVICE_ERRORS as exc:
            _flash(request, exc)
    else:
        messages.error(request, "Write a message first.")
    return redirect(inquiry)


def message_fragment(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One message of the thread as an HTML fragment (for the home page's latest answer)."""
    _require_viewer(request.user)
    message = get_object_or_404(messages_for(user=request.user), pk=pk)
    return render(request, "inquiries/_message.html", {"message": message})


def message_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_viewer(user)
    message = get_object_or_404(messages_for(user=user), pk=pk)
    if not can_edit_note(note=message, user=user):
        raise PermissionDenied("You cannot edit this message.")
    form = MessageEditForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_message(message=message, editor=user, body=form.cleaned_data["body"])
        except SERVICE_ERRORS as exc:
            _flash(request, exc)
        else:
            messages.success(request, "Saved; the earlier text is kept as a revision.")
            return redirect(message.inquiry)
    return render(
        request,
        "inquiries/message_edit.html",
        {"note": message, "form": form, "revisions": message.revisions.select_related("edited_by")},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def mark_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_case_worker(user)
    message = get_object_or_404(messages_for(user=user), pk=pk)
    try:
        services.close_with_answer(inquiry=message.inquiry, message=message, actor=user)
        messages.success(request, "Marked as the answer; the inquiry is closed.")
    except SERVICE_ERRORS as exc:
        _flash(request, exc)
    return redirect(message.inquiry)


@require_POST
def reopen(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_provider(user)
    inquiry = _inquiry(request, pk)
    form = ReopenForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.reopen_inquiry(inquiry=inquiry, actor=user, reason=reason)
        messages.success(request, "The inquiry is open again.")
    except SERVICE_ERRORS as exc:
        _flash(request, exc)
    return redirect(inquiry)


@require_POST
def assign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_case_worker(user)
    inquiry = _inquiry(request, pk)
    try:
        if "take" in request.POST:
            services.assign_inquiry(inquiry=inquiry, assignee=user, actor=user)
        else:
            form = AssignForm(request.POST, kind=inquiry.organisation.kind)
            if not form.is_valid():
                raise ValidationError("Choose a liaison or the team queue.")
            services.assign_inquiry(
                inquiry=inquiry,
                assignee=form.cleaned_data["assignee"],
                actor=user,
                reason=form.cleaned_data["reason"],
            )
        messages.success(request, "Assignment saved; the clocks are unchanged.")
    except SERVICE_ERRORS as exc:
        _flash(request, exc)
    return redirect(inquiry)


@require_POST
def attachment_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_party(user)
    inquiry = _inquiry(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.upload_attachment(
                inquiry=inquiry, upload=form.cleaned_data["file"], actor=user
            )
            messages.success(request, "Attachment uploaded.")
        except SERVICE_ERRORS as exc:
            _flash(request, exc)
    else:
        messages.error(request, "Choose a file to upload.")
    if inquiry.status == Status.DRAFT:
        return redirect("inquiries:inquiry_edit", inquiry.pk)
    return redirect(inquiry)


def attachment_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
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


# --- liaisons -----------------------------------------------------------------------------------


def queue(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    _require_case_worker(user)
    form = QueueFilterForm(request.GET or None, kinds=case_kinds(user))
    filters = form.cleaned_data if form.is_valid() else {}
    rows = inquiry_queue(user=user, **{k: v for k, v in filters.items() if v})
    return render(
        request,
        "inquiries/queue.html",
        {"form": form, "rows": [(i, is_overdue(i)) for i in rows[:500]], "count": rows.count()},
    )


def sla(request: AuthenticatedRequest) -> HttpResponse:
    _require_case_worker(request.user)
    return render(request, "inquiries/sla.html", sla_dashboard(user=request.user))
