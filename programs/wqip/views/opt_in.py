"""Opt-in pages: the facility's form in steps, its status and history, the liaison review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from portal.accounts.http import AuthenticatedRequest
from portal.accounts.models import FACILITY_ROLES
from portal.files.pdf import html_to_pdf
from portal.files.responses import stored_file_response
from portal.models import (
    Role,
    User,
)
from portal.params import id_param
from portal.registry.selectors import visible_facilities
from programs.wqip.forms.opt_in import (
    AcknowledgementsForm,
    AmendmentForm,
    AssignForm,
    DocumentUploadForm,
    ExtensionForm,
    LateSubmissionForm,
    PayeeForm,
    QueueFilterForm,
    ReportContactsForm,
    ReviewDecisionForm,
    SignerForm,
    SubmitForm,
)
from programs.wqip.models import (
    OptIn,
    OptInDocument,
    OptInVersion,
    ProgramYear,
)
from programs.wqip.selectors.opt_in import (
    is_review_overdue,
    opt_in_counties,
    opt_in_documents_for,
    opt_in_overview_for,
    opt_in_review_queue,
    review_overdue_cutoff,
    visible_opt_ins,
)
from programs.wqip.services import opt_in as services
from programs.wqip.services import opt_in_review as review_services
from programs.wqip.texts import (
    ATTESTATION_TEXT,
    TERMS_TEXT,
)

STEPS = [
    ("signer", "Authorised signer"),
    ("payee", "Payee and remittance"),
    ("contacts", "Report contacts"),
    ("documents", "Documents"),
    ("acknowledgements", "Acknowledgements"),
]
STEP_NAMES = [name for name, _ in STEPS]


def _is_reviewer(user: User) -> bool:
    return user.is_superuser or user.role in services.REVIEWER_ROLES


def _require_facility_role(user: User) -> None:
    if user.role not in FACILITY_ROLES:
        raise PermissionDenied("This page is for facility users.")


def _require_reviewer(user: User) -> None:
    if not _is_reviewer(user):
        raise PermissionDenied("This page is for LTSS liaisons and program administrators.")


def _facility_opt_in(request: AuthenticatedRequest, pk: int) -> OptIn:
    _require_facility_role(request.user)
    return get_object_or_404(visible_opt_ins(user=request.user), pk=pk)


def _client_ip(request: AuthenticatedRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _flash_error(request: AuthenticatedRequest, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, str(exc))


def _detail_context(opt_in: OptIn) -> dict[str, Any]:
    version = services.working_version(opt_in)
    in_force = services.version_in_force(opt_in)
    return {
        "opt_in": opt_in,
        "facility": opt_in.facility,
        "version": version,
        "in_force": in_force,
        "versions": opt_in.versions.order_by("-number"),
        "documents": version.documents.all() if version else [],
        "contacts": opt_in.report_contacts.all(),
        "history": opt_in.transitions.select_related("actor", "version"),
        "missing": services.missing_items(version) if version and version.is_editable else [],
        "closes_on": services.submission_closes_on(
            facility=opt_in.facility, program_year=opt_in.program_year
        ),
        "window_closed": services.window_closed(opt_in=opt_in),
        "can_submit_now": services.can_submit_now(opt_in=opt_in),
        "steps": STEPS,
    }


# --- facility pages ------------------------------------------------------------------------
def opt_in_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_facility_role(request.user)
    return render(
        request, "wqip/opt_in_list.html", {"overview": opt_in_overview_for(user=request.user)}
    )


def opt_in_start(request: AuthenticatedRequest, facility_pk: int, year: int) -> HttpResponse:
    _require_facility_role(request.user)
    facility = get_object_or_404(visible_facilities(user=request.user), pk=facility_pk)
    program_year = get_object_or_404(ProgramYear, year=year)
    existing = OptIn.objects.filter(facility=facility, program_year=program_year).first()
    if existing is not None:
        return redirect("wqip:opt_in_detail", existing.pk)
    if request.method == "POST":
        try:
            opt_in = services.start_opt_in(
                facility=facility, program_year=program_year, actor=request.user
            )
        except services.OptInError as exc:
            _flash_error(request, exc)
        else:
            messages.success(request, "Draft started. It is saved after every step.")
            return redirect("wqip:opt_in_step", opt_in.pk, STEP_NAMES[0])
    return render(
        request,
        "wqip/opt_in_start.html",
        {
            "facility": facility,
            "program_year": program_year,
            "closes_on": services.submission_closes_on(
                facility=facility, program_year=program_year
            ),
        },
    )


def opt_in_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    if user.role not in FACILITY_ROLES and not _is_reviewer(user):
        raise PermissionDenied
    opt_in = get_object_or_404(visible_opt_ins(user=user), pk=pk)
    context = _detail_context(opt_in)
    context["amend_form"] = AmendmentForm()
    context["is_facility_admin"] = user.role == Role.FACILITY_ADMIN
    context["is_facility_user"] = user.role in FACILITY_ROLES
    return render(request, "wqip/opt_in_detail.html", context)


def _step_form(step: str, opt_in: OptIn, version: OptInVersion, data: Any, files: Any) -> Any:
    if step == "signer":
        return SignerForm(data, instance=version)
    if step == "payee":
        return PayeeForm(data, instance=version)
    if step == "contacts":
        return ReportContactsForm(data, initial=ReportContactsForm.initial_from(opt_in))
    if step == "documents":
        return DocumentUploadForm(data, files)
    initial = {"accept_terms": bool(version.terms_accepted_at)}
    return AcknowledgementsForm(data, instance=version, initial=initial)


def _save_step(step: str, form: Any, opt_in: OptIn, user: User) -> None:
    if step in ("signer", "payee"):
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.save_opt_in_section(opt_in=opt_in, actor=user, data=data, section=step)
    elif step == "contacts":
        services.replace_report_contacts(opt_in=opt_in, actor=user, contacts=form.contacts())
    elif step == "documents":
        services.upload_opt_in_document(
            opt_in=opt_in,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            actor=user,
        )
    else:
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.save_opt_in_section(opt_in=opt_in, actor=user, data=data, section=step)
        services.accept_opt_in_terms(opt_in=opt_in, actor=user)


def opt_in_step(request: AuthenticatedRequest, pk: int, step: str) -> HttpResponse:
    opt_in = _facility_opt_in(request, pk)
    if step not in STEP_NAMES:
        raise Http404("No such step.")
    version = services.working_version(opt_in)
    if version is None:
        messages.error(request, "This opt-in was imported from paper and has no web form.")
        return redirect("wqip:opt_in_detail", opt_in.pk)
    contacts_only = not version.is_editable
    if contacts_only and (step != "contacts" or opt_in.status == OptIn.Status.REJECTED):
        messages.info(request, f"The form is {version.get_status_display().lower()}.")
        return redirect("wqip:opt_in_detail", opt_in.pk)

    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    if request.method == "POST" and step == "documents" and "remove" in request.POST:
        document_id = id_param(request.POST.get("remove"))
        if document_id is None:
            raise Http404("No such document.")
        document = get_object_or_404(version.documents.all(), pk=document_id)
        try:
            services.remove_opt_in_document(document=document, actor=request.user)
            messages.success(request, f"Removed {document.original_name}.")
        except (services.OptInError, PermissionDenied) as exc:
            _flash_error(request, exc)
        return redirect("wqip:opt_in_step", opt_in.pk, step)

    form = _step_form(step, opt_in, version, data, files)
    if request.method == "POST" and form.is_valid():
        try:
            _save_step(step, form, opt_in, request.user)
        except (services.OptInError, ValidationError) as exc:
            if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            if step == "documents":
                messages.success(request, "Document uploaded.")
                return redirect("wqip:opt_in_step", opt_in.pk, step)
            if contacts_only:
                messages.success(request, "Report contacts updated.")
                return redirect("wqip:opt_in_detail", opt_in.pk)
            index = STEP_NAMES.index(step)
            messages.success(request, "Saved.")
            if index + 1 < len(STEP_NAMES):
                return redirect("wqip:opt_in_step", opt_in.pk, STEP_NAMES[index + 1])
            return redirect("wqip:opt_in_submit", opt_in.pk)
    index = STEP_NAMES.index(step)
    next_url = (
        reverse("wqip:opt_in_step", args=[opt_in.pk, STEP_NAMES[index + 1]])
        if index + 1 < len(STEP_NAMES)
        else reverse("wqip:opt_in_submit", args=[opt_in.pk])
    )
    return render(
        request,
        "wqip/opt_in_step.html",
        {
            "opt_in": opt_in,
            "facility": opt_in.facility,
            "version": version,
            "form": form,
            "step": step,
            "step_title": dict(STEPS)[step],
            "steps": STEPS,
            "contacts_only": contacts_only,
            "documents": version.documents.all(),
            "next_url": next_url,
        },
        status=400 if request.method == "POST" else 200,
    )


def opt_in_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    opt_in = _facility_opt_in(request, pk)
    version = services.working_version(opt_in)
    if version is None or not version.is_editable:
        return redirect("wqip:opt_in_detail", opt_in.pk)
    form = SubmitForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if request.user.role != Role.FACILITY_ADMIN:
            raise PermissionDenied("Only a facility administrator can sign and submit.")
        if form.is_valid():
            try:
                review_services.submit_opt_in(
                    opt_in=opt_in,
                    actor=request.user,
                    typed_name=form.cleaned_data["typed_name"],
                    attestation_accepted=form.cleaned_data["attestation"],
                    ip_address=_client_ip(request),
                )
            except services.OptInError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Opt-in submitted. Your LTSS liaison will review it.")
                return redirect("wqip:opt_in_detail", opt_in.pk)
        status = 400
    context = _detail_context(opt_in)
    context.update(
        form=form,
        is_facility_admin=request.user.role == Role.FACILITY_ADMIN,
        attestation_text=ATTESTATION_TEXT,
    )
    return render(request, "wqip/opt_in_submit.html", context, status=status)


def opt_in_amend(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    opt_in = _facility_opt_in(request, pk)
    form = AmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_services.start_opt_in_amendment(
                opt_in=opt_in, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except services.OptInError as exc:
            _flash_error(request, exc)
            return redirect("wqip:opt_in_detail", opt_in.pk)
        messages.success(request, "Amendment started. The approved form stays in force.")
        return redirect("wqip:opt_in_step", opt_in.pk, STEP_NAMES[0])
    if opt_in.status != OptIn.Status.APPROVED:
        messages.info(request, "Only an approved opt-in can be amended.")
        return redirect("wqip:opt_in_detail", opt_in.pk)
    return render(
        request,
        "wqip/opt_in_amend.html",
        {"opt_in": opt_in, "facility": opt_in.facility, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def opt_in_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    if user.role not in FACILITY_ROLES and not _is_reviewer(user):
        raise PermissionDenied
    opt_in = get_object_or_404(visible_opt_ins(user=user), pk=pk)
    version = services.working_version(opt_in)
    if version is None:
        raise Http404("This opt-in has no web form.")
    html = render_to_string(
        "wqip/opt_in_pdf.html",
        {
            "opt_in": opt_in,
            "facility": opt_in.facility,
            "version": version,
            "documents": version.documents.all(),
            "contacts": opt_in.report_contacts.all(),
            "attestation_text": ATTESTATION_TEXT,
            "terms_text": TERMS_TEXT,
        },
    )
    pdf = html_to_pdf(html)
    filename = f"opt-in-{opt_in.program_year.label}-{opt_in.facility.npi}-v{version.number}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def opt_in_document_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    user = request.user
    if user.role not in FACILITY_ROLES and not _is_reviewer(user):
        raise PermissionDenied
    document: OptInDocument = get_object_or_404(opt_in_documents_for(user=user), pk=pk)
    return stored_file_response(
        document.file, filename=document.download_name, content_type=document.content_type
    )


# --- plan pages ----------------------------------------------------------------------------
def opt_in_queue(request: AuthenticatedRequest) -> HttpResponse:
    _require_reviewer(request.user)
    form = QueueFilterForm(request.GET or None, counties=opt_in_counties())
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "program_year": form.cleaned_data.get("program_year") or None,
            "status": form.cleaned_data.get("status") or None,
            "county": form.cleaned_data.get("county") or None,
            "overdue": form.cleaned_data.get("overdue") or False,
            "assigned_to": request.user if form.cleaned_data.get("mine") else None,
        }
    queue = list(opt_in_review_queue(user=request.user, **filters)[:200])
    cutoff = review_overdue_cutoff()
    for row in queue:
        row.is_overdue = is_review_overdue(  # type: ignore[attr-defined]
            submitted_at=row.review_submitted_at, status=row.review_status, cutoff=cutoff
        )
        row.review_status_label = OptInVersion.Status(row.review_status).label  # type: ignore[attr-defined]
    return render(request, "wqip/opt_in_queue.html", {"form": form, "queue": queue})


def opt_in_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_reviewer(user)
    opt_in = get_object_or_404(visible_opt_ins(user=user), pk=pk)
    decision_form = ReviewDecisionForm(request.POST if "decide" in request.POST else None)
    assign_form = AssignForm(
        request.POST if "assign" in request.POST else None,
        initial={"liaison": opt_in.assigned_to_id},
    )
    late_form = LateSubmissionForm(request.POST if "allow_late" in request.POST else None)
    status = 200
    if request.method == "POST":
        try:
            if "start_review" in request.POST:
                review_services.start_opt_in_review(opt_in=opt_in, reviewer=user)
                messages.success(request, "Review started.")
                return redirect("wqip:opt_in_review", opt_in.pk)
            if "take" in request.POST:
                review_services.assign_opt_in(opt_in=opt_in, liaison=user, actor=user)
                messages.success(request, "Assigned to you.")
                return redirect("wqip:opt_in_review", opt_in.pk)
            if "assign" in request.POST and assign_form.is_valid():
                review_services.assign_opt_in(
                    opt_in=opt_in, liaison=assign_form.cleaned_data["liaison"], actor=user
                )
                messages.success(request, "Assignment saved.")
                return redirect("wqip:opt_in_review", opt_in.pk)
            if "allow_late" in request.POST and late_form.is_valid():
                review_services.allow_late_submission(
                    opt_in=opt_in, reason=late_form.cleaned_data["late_reason"], actor=user
                )
                messages.success(request, "Late submission allowed.")
                return redirect("wqip:opt_in_review", opt_in.pk)
            if "decide" in request.POST and decision_form.is_valid():
                decision = decision_form.cleaned_data["decision"]
                comments = decision_form.cleaned_data["comments"]
                if decision == "approve":
                    review_services.approve_opt_in(opt_in=opt_in, reviewer=user, note=comments)
                elif decision == "return":
                    review_services.return_opt_in(opt_in=opt_in, reviewer=user, comments=comments)
                else:
                    review_services.reject_opt_in(opt_in=opt_in, reviewer=user, reason=comments)
                messages.success(request, "Decision recorded. The facility has been told.")
                return redirect("wqip:opt_in_review", opt_in.pk)
        except (services.OptInError, PermissionDenied) as exc:
            _flash_error(request, exc)
            return redirect("wqip:opt_in_review", opt_in.pk)
        status = 400
    context = _detail_context(opt_in)
    context.update(
        decision_form=decision_form,
        assign_form=assign_form,
        late_form=late_form,
        is_program_admin=user.role == Role.PROGRAM_ADMIN or user.is_superuser,
        error_form=next(
            (f for f in (decision_form, assign_form, late_form) if f.is_bound and f.errors),
            None,
        ),
    )
    return render(request, "wqip/opt_in_review.html", context, status=status)


def opt_in_extension(request: AuthenticatedRequest, facility_pk: int, year: int) -> HttpResponse:
    _require_reviewer(request.user)
    facility = get_object_or_404(visible_facilities(user=request.user), pk=facility_pk)
    program_year = get_object_or_404(ProgramYear, year=year)
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_services.grant_opt_in_extension(
                facility=facility,
                program_year=program_year,
                closes_on=form.cleaned_data["closes_on"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except services.OptInError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"{facility.name} may submit until {form.cleaned_data['closes_on']:%-d %b %Y}.",
            )
            opt_in = OptIn.objects.filter(facility=facility, program_year=program_year).first()
            if opt_in is not None:
                return redirect("wqip:opt_in_review", opt_in.pk)
            return redirect("wqip:opt_in_queue")
    return render(
        request,
        "wqip/opt_in_extension.html",
        {
            "facility": facility,
            "program_year": program_year,
            "form": form,
            "extensions": facility.opt_in_extensions.filter(program_year=program_year),
        },
        status=400 if request.method == "POST" else 200,
    )
