"""Writes for opt-in forms (wqip.md §7): drafts, documents, submission, review, amendments.

Every status change goes through ``_move`` which, in the caller's transaction, changes the
version (and the opt-in while it is not yet approved), writes an ``OptInTransition`` and an
``AuditEvent``, records a calculation input revision when the approved status changes, and
schedules the notice (sent by the notification engine's sweeper once this commits).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from portal.audit.services import (
    record_event,
    record_revision,
)
from portal.files.uploads import check_upload
from portal.models import (
    Facility,
    Role,
    User,
)
from programs.wqip import notices as opt_in_notices
from programs.wqip.models import (
    OptIn,
    OptInDocument,
    OptInExtension,
    OptInReportContact,
    OptInTransition,
    OptInVersion,
    ProgramYear,
)
from programs.wqip.texts import (
    ATTESTATION_VERSION,
    TERMS_VERSION,
)

VS = OptInVersion.Status

SIGNER_FIELDS = ("signer_name", "signer_title", "signer_email", "signer_phone")
PAYEE_FIELDS = (
    "payee_legal_name",
    "payee_tin",
    "remittance_address",
    "remittance_contact_name",
    "remittance_contact_email",
    "remittance_contact_phone",
)
ACKNOWLEDGEMENT_FIELDS = ("webinar_1_on", "webinar_2_on")
EDITABLE_FIELDS = frozenset((*SIGNER_FIELDS, *PAYEE_FIELDS, *ACKNOWLEDGEMENT_FIELDS))
REQUIRED_FIELDS = (*SIGNER_FIELDS, *PAYEE_FIELDS[:5], *ACKNOWLEDGEMENT_FIELDS)
REQUIRED_DOCUMENT_KINDS = (OptInDocument.Kind.W9,)
DOCUMENT_TYPES = {
    OptInDocument.Kind.W9: ("application/pdf",),
    OptInDocument.Kind.OTHER: ("application/pdf", "image/png", "image/jpeg"),
}
REVIEWER_ROLES = frozenset({Role.LTSS_LIAISON, Role.PROGRAM_ADMIN})


class OptInError(Exception):
    """A rule of the opt-in process refused the action; the message is shown to the user."""


class InvalidTransition(OptInError):
    pass


# --- rules ---------------------------------------------------------------------------------
def window_open_at(
    *, opens_on: datetime.date | None, closes_on: datetime.date | None, at: datetime.datetime
) -> bool:
    """Inclusive dates in America/Los_Angeles (TIME_ZONE): closes at 23:59:59 of closes_on."""
    if opens_on is None or closes_on is None:
        return False
    return opens_on <= timezone.localdate(at) <= closes_on


def extended_closes_on(*, facility: Facility, program_year: ProgramYear) -> datetime.date | None:
    extension = (
        OptInExtension.objects.filter(facility=facility, program_year=program_year)
        .order_by("-closes_on")
        .first()
    )
    return extension.closes_on if extension else None


def submission_closes_on(*, facility: Facility, program_year: ProgramYear) -> datetime.date | None:
    """The window's closing date, or the facility's extension when it is later."""
    closes = program_year.opt_in_closes_on
    extended = extended_closes_on(facility=facility, program_year=program_year)
    if extended and (closes is None or extended > closes):
        return extended
    return closes


def can_submit_now(*, opt_in: OptIn, at: datetime.datetime | None = None) -> bool:
    at = at or timezone.now()
    if opt_in.has_late_submission_override:
        return True
    return window_open_at(
        opens_on=opt_in.program_year.opt_in_opens_on,
        closes_on=submission_closes_on(facility=opt_in.facility, program_year=opt_in.program_year),
        at=at,
    )


def window_closed(*, opt_in: OptIn, at: datetime.datetime | None = None) -> bool:
    """Drafts lock after the (extended) closing date unless a program admin overrode it."""
    if opt_in.has_late_submission_override:
        return False
    closes = submission_closes_on(facility=opt_in.facility, program_year=opt_in.program_year)
    return closes is not None and timezone.localdate(at or timezone.now()) > closes


def _day(value: datetime.date | None) -> str:
    return f"{value:%-d %b %Y}" if value else "not set"


def working_version(opt_in: OptIn) -> OptInVersion | None:
    return opt_in.versions.order_by("-number").first()


def version_in_force(opt_in: OptIn) -> OptInVersion | None:
    return opt_in.versions.filter(status=VS.APPROVED).first()


def missing_items(version: OptInVersion) -> list[str]:
    """What still stops the facility from submitting this version, in form order."""
    missing = [
        f"{OptInVersion._meta.get_field(name).verbose_name.capitalize()}"
        for name in REQUIRED_FIELDS
        if not getattr(version, name)
    ]
    if not version.opt_in.report_contacts.exists():
        missing.append("At least one report contact")
    present = set(version.documents.values_list("kind", flat=True))
    missing += [
        f"{OptInDocument.Kind(kind).label} upload"
        for kind in REQUIRED_DOCUMENT_KINDS
        if kind not in present
    ]
    if not version.terms_accepted_at:
        missing.append("Acknowledgement of the program terms")
    return missing


def _is_member(user: User, facility: Facility) -> bool:
    return user.is_active and facility.memberships.filter(user=user, is_active=True).exists()


def _require_facility_user(user: User, facility: Facility, *, admin: bool = False) -> None:
    roles = (Role.FACILITY_ADMIN,) if admin else (Role.FACILITY_ADMIN, Role.FACILITY_STAFF)
    if user.role not in roles or not _is_member(user, facility):
        who = "a facility administrator" if admin else "a user"
        raise PermissionDenied(f"Only {who} of {facility.name} can do this.")


def _require_reviewer(user: User) -> None:
    if not user.is_active or not (user.role in REVIEWER_ROLES or user.is_superuser):
        raise PermissionDenied("Only an LTSS liaison or a program administrator can do this.")


def _require_program_admin(user: User) -> None:
    if not user.is_active or not (user.role == Role.PROGRAM_ADMIN or user.is_superuser):
        raise PermissionDenied("Only a program administrator can do this.")


def _locked(opt_in: OptIn, *, for_update: bool = True) -> tuple[OptIn, OptInVersion]:
    qs = OptIn.objects.select_related("facility", "program_year")
    opt_in = qs.select_for_update(of=("self",)).get(pk=opt_in.pk) if for_update else opt_in
    version = working_version(opt_in)
    if version is None:
        raise InvalidTransition("This opt-in was imported from paper and has no web form.")
    return opt_in, version


def _move(
    *,
    opt_in: OptIn,
    version: OptInVersion,
    to: str,
    actor: User | None,
    reason: str = "",
    fields: dict[str, Any] | None = None,
) -> None:
    """Change the version's status, mirror it on the opt-in, write history and audit."""
    from_status = version.status
    version.status = to
    for name, value in (fields or {}).items():
        setattr(version, name, value)
    version.save()
    was_approved = opt_in.status == OptIn.Status.APPROVED
    if not version.is_amendment:
        opt_in.status = to
        if to == VS.SUBMITTED:
            opt_in.submitted_at = version.submitted_at
        if to in (VS.APPROVED, VS.REJECTED, VS.RETURNED):
            opt_in.reviewed_at, opt_in.reviewed_by = version.reviewed_at, version.reviewed_by
        opt_in.save()
    OptInTransition.objects.create(
        opt_in=opt_in,
        version=version,
        from_status=from_status,
        to_status=to,
        actor=actor,
        reason=reason,
    )
    action = f"opt_in.{'amendment_' if version.is_amendment else ''}{to}"
    record_event(
        actor=actor,
        action=action,
        target=opt_in,
        reason=reason,
        data={"version": version.number, "from": from_status, "to": to},
    )
    if was_approved != (opt_in.status == OptIn.Status.APPROVED):
        record_revision(
            kind="opt_ins",
            program_year=opt_in.program_year.year,
            actor=actor,
            detail=f"opt-in {opt_in.pk} {from_status} -> {to}",
        )
    opt_in_notices.schedule_transition_notice(opt_in=opt_in, version=version, to=to)


# --- facility side -------------------------------------------------------------------------
@transaction.atomic
def start_opt_in(*, facility: Facility, program_year: ProgramYear, actor: User) -> OptIn:
    """Create the facility's draft for the year (one per facility and year)."""
    _require_facility_user(actor, facility)
    if not facility.is_wqip_eligible:
        raise OptInError(f"{facility.name} is not WQIP-eligible: {facility.ineligibility_reason}")
    existing = OptIn.objects.filter(facility=facility, program_year=program_year).first()
    if existing is not None:
        return existing
    closes = submission_closes_on(facility=facility, program_year=program_year)
    if closes is None or timezone.localdate() > closes:
        raise OptInError(f"The {program_year.label} opt-in window is closed.")
    opt_in = OptIn.objects.create(facility=facility, program_year=program_year, source="web")
    version = OptInVersion.objects.create(opt_in=opt_in, number=1, created_by=actor)
    OptInTransition.objects.create(
        opt_in=opt_in, version=version, to_status=VS.DRAFT, actor=actor, reason="Draft started"
    )
    record_event(actor=actor, action="opt_in.started", target=opt_in)
    return opt_in


def _editable_version(opt_in: OptIn, actor: User) -> tuple[OptIn, OptInVersion]:
    _require_facility_user(actor, opt_in.facility)
    opt_in, version = _locked(opt_in)
    if not version.is_editable:
        raise OptInError(f"The form is {version.get_status_display().lower()} and cannot change.")
    if not version.is_amendment and version.status == VS.DRAFT and window_closed(opt_in=opt_in):
        raise OptInError("The opt-in window has closed; drafts are locked.")
    return opt_in, version


@transaction.atomic
def save_opt_in_section(
    *, opt_in: OptIn, actor: User, data: dict[str, Any], section: str = ""
) -> OptInVersion:
    """Save some form fields on the working draft (between steps)."""
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise OptInError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}")
    opt_in, version = _editable_version(opt_in, actor)
    changed = [name for name, value in data.items() if getattr(version, name) != value]
    for name in changed:
        setattr(version, name, data[name])
    if changed:
        version.full_clean(exclude=["opt_in", "created_by"])
        version.save()
        record_event(
            actor=actor,
            action="opt_in.section_saved",
            target=opt_in,
            reason=section,
            data={"version": version.number, "fields": changed},
        )
    return version


@transaction.atomic
def accept_opt_in_terms(*, opt_in: OptIn, actor: User) -> OptInVersion:
    opt_in, version = _editable_version(opt_in, actor)
    version.terms_version = TERMS_VERSION
    version.terms_accepted_at = timezone.now()
    version.save(update_fields=["terms_version", "terms_accepted_at", "updated_at"])
    record_event(
        actor=actor,
        action="opt_in.terms_accepted",
        target=opt_in,
        data={"version": version.number, "terms_version": TERMS_VERSION},
    )
    return version


@transaction.atomic
def replace_report_contacts(
    *, opt_in: OptIn, actor: User, contacts: Iterable[dict[str, str]]
) -> list[OptInReportContact]:
    """Contacts change at once, also on an approved opt-in (no review)."""
    _require_facility_user(actor, opt_in.facility)
    opt_in = OptIn.objects.select_for_update().get(pk=opt_in.pk)
    if opt_in.status == OptIn.Status.REJECTED:
        raise OptInError("A rejected opt-in cannot change.")
    new = [
        {
            "name": c["name"].strip(),
            "email": c["email"].strip().lower(),
            "phone": c.get("phone", ""),
        }
        for c in contacts
    ]
    if not new:
        raise OptInError("Give at least one report contact.")
    before = list(opt_in.report_contacts.values("name", "email", "phone"))
    if before == new:
        return list(opt_in.report_contacts.all())
    opt_in.report_contacts.all().delete()
    created = [OptInReportContact(opt_in=opt_in, **c) for c in new]
    for contact in created:
        contact.full_clean(exclude=["opt_in"])
    OptInReportContact.objects.bulk_create(created)
    record_event(
        actor=actor,
        action="opt_in.contacts_changed",
        target=opt_in,
        data={"before": before, "after": new},
    )
    return created


@transaction.atomic
def upload_opt_in_document(
    *, opt_in: OptIn, kind: str, upload: UploadedFile, actor: User
) -> OptInDocument:
    """Check the file (content type, size) before anything is stored; a W-9 replaces the last."""
    opt_in, version = _editable_version(opt_in, actor)
    checked = check_upload(upload, allowed_types=DOCUMENT_TYPES[OptInDocument.Kind(kind)])
    document = OptInDocument(
        version=version,
        kind=kind,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    # stored under a generated name (StoredUpload.file's upload_to); the uploaded one is ignored
    document.file.save(checked.original_name, upload, save=False)
    try:
        if kind == OptInDocument.Kind.W9:
            for old in version.documents.filter(kind=kind):
                _remove_document(old)
        document.save()
    except Exception:
        document.file.storage.delete(document.file.name)
        raise
    record_event(
        actor=actor,
        action="opt_in.document_uploaded",
        target=opt_in,
        data={
            "version": version.number,
            "kind": kind,
            "name": checked.original_name,
            "sha256": checked.sha256,
            "size": checked.size,
        },
    )
    return document


def _remove_document(document: OptInDocument) -> None:
    name = document.file.name
    document.delete()
    # an amendment copies the rows of the version in force: keep a file still referenced
    if not OptInDocument.objects.filter(file=name).exists():
        transaction.on_commit(partial(document.file.storage.delete, name))


@transaction.atomic
def remove_opt_in_document(*, document: OptInDocument, actor: User) -> None:
    opt_in, version = _editable_version(document.version.opt_in, actor)
    if document.version_id != version.pk:
        raise OptInError("Only documents of the form being edited can be removed.")
    _remove_document(document)
    record_event(
        actor=actor,
        action="opt_in.document_removed",
        target=opt_in,
        data={"version": version.number, "kind": document.kind, "name": document.original_name},
    )


@transaction.atomic
def submit_opt_in(
    *,
    opt_in: OptIn,
    actor: User,
    typed_name: str,
    attestation_accepted: bool,
    ip_address: str | None = None,
) -> OptIn:
    """draft/returned -> submitted, by a facility administrator, inside the window."""
    _require_facility_user(actor, opt_in.facility, admin=True)
    opt_in, version = _locked(opt_in)
    if version.status not in (VS.DRAFT, VS.RETURNED):
        raise InvalidTransition(
            f"A {version.get_status_display().lower()} form cannot be submitted."
        )
    if not opt_in.facility.is_wqip_eligible:
        raise OptInError(
            f"{opt_in.facility.name} is not WQIP-eligible: {opt_in.facility.ineligibility_reason} "
            "Ask your LTSS liaison to correct the registry if this is wrong."
        )
    first_submission = not version.is_amendment and version.status == VS.DRAFT
    if first_submission and not can_submit_now(opt_in=opt_in):
        closes = submission_closes_on(facility=opt_in.facility, program_year=opt_in.program_year)
        raise OptInError(
            f"The opt-in window is not open ({_day(opt_in.program_year.opt_in_opens_on)} to "
            f"{_day(closes)}, Pacific time). Ask your LTSS liaison for an extension."
        )
    missing = missing_items(version)
    if missing:
        raise OptInError("The form is incomplete: " + "; ".join(missing) + ".")
    if not attestation_accepted or not typed_name.strip():
        raise OptInError("Accept the attestation and type your full name to sign it.")
    now = timezone.now()
    _move(
        opt_in=opt_in,
        version=version,
        to=VS.SUBMITTED,
        actor=actor,
        reason="Resubmitted after correction" if version.status == VS.RETURNED else "",
        fields={
            "attestation_typed_name": typed_name.strip(),
            "attestation_text_version": ATTESTATION_VERSION,
            "attestation_accepted_at": now,
            "attestation_accepted_by": actor,
            "attestation_ip": ip_address,
            "submitted_at": now,
            "submitted_by": actor,
        },
    )
    if opt_in.assigned_to_id is None:
        assignment = getattr(opt_in.facility, "liaison_assignment", None)
        if assignment is not None:
            opt_in.assigned_to = assignment.liaison
            opt_in.save(update_fields=["assigned_to", "updated_at"])
    return opt_in


@transaction.atomic
def start_opt_in_amendment(*, opt_in: OptIn, actor: User, reason: str) -> OptInVersion:
    """Copy the approved version into a new draft; the approved one stays in force."""
    _require_facility_user(actor, opt_in.facility)
    opt_in, version = _locked(opt_in)
    if opt_in.status != OptIn.Status.APPROVED:
        raise OptInError("Only an approved opt-in can be amended.")
    if version.status != VS.APPROVED:
        raise OptInError("An amendment is already in progress.")
    if not reason.strip():
        raise OptInError("Say what the amendment changes.")
    copied = {
        name: getattr(version, name)
        for name in (*SIGNER_FIELDS, *PAYEE_FIELDS, *ACKNOWLEDGEMENT_FIELDS)
    }
    amendment = OptInVersion.objects.create(
        opt_in=opt_in,
        number=version.number + 1,
        created_by=actor,
        amendment_reason=reason.strip(),
        terms_version=version.terms_version,
        terms_accepted_at=version.terms_accepted_at,
        **copied,
    )
    OptInDocument.objects.bulk_create(
        OptInDocument(
            version=amendment,
            kind=doc.kind,
            file=doc.file.name,
            original_name=doc.original_name,
            content_type=doc.content_type,
            size=doc.size,
            sha256=doc.sha256,
            uploaded_by=doc.uploaded_by,
        )
        for doc in version.documents.all()
    )
    OptInTransition.objects.create(
        opt_in=opt_in, version=amendment, to_status=VS.DRAFT, actor=actor, reason=reason.strip()
    )
    record_event(
        actor=actor,
        action="opt_in.amendment_started",
        target=opt_in,
        reason=reason.strip(),
        data={"version": amendment.number},
    )
    return amendment


# --- plan side -----------------------------------------------------------------------------
@transaction.atomic
def assign_opt_in(*, opt_in: OptIn, liaison: User | None, actor: User) -> OptIn:
    _require_reviewer(actor)
    if liaison is not None and liaison.role != Role.LTSS_LIAISON:
        raise OptInError("Opt-ins are assigned to LTSS liaisons.")
    if actor.role == Role.LTSS_LIAISON and liaison not in (None, actor):
        _require_program_admin(actor)  # liaisons take cases; program admins assign others
    opt_in = OptIn.objects.select_for_update().get(pk=opt_in.pk)
    before = opt_in.assigned_to
    opt_in.assigned_to = liaison
    opt_in.save(update_fields=["assigned_to", "updated_at"])
    record_event(
        actor=actor,
        action="opt_in.assigned",
        target=opt_in,
        data={
            "from": before.email if before else None,
            "to": liaison.email if liaison else None,
        },
    )
    return opt_in


@transaction.atomic
def start_opt_in_review(*, opt_in: OptIn, reviewer: User) -> OptIn:
    _require_reviewer(reviewer)
    opt_in, version = _locked(opt_in)
    if version.status != VS.SUBMITTED:
        raise InvalidTransition(f"Only a submitted form can be reviewed (it is {version.status}).")
    _move(opt_in=opt_in, version=version, to=VS.UNDER_REVIEW, actor=reviewer)
    if opt_in.assigned_to_id is None and reviewer.role == Role.LTSS_LIAISON:
        opt_in.assigned_to = reviewer
        opt_in.save(update_fields=["assigned_to", "updated_at"])
    return opt_in


def _decide(*, opt_in: OptIn, reviewer: User, to: str, reason: str) -> OptIn:
    _require_reviewer(reviewer)
    opt_in, version = _locked(opt_in)
    if version.status != VS.UNDER_REVIEW:
        raise InvalidTransition(
            f"Only a form under review can be decided (it is {version.get_status_display()})."
        )
    now = timezone.now()
    if to == VS.APPROVED and version.is_amendment:
        previous = version_in_force(opt_in)
        if previous is not None:
            previous.status = VS.SUPERSEDED
            previous.save(update_fields=["status", "updated_at"])
            OptInTransition.objects.create(
                opt_in=opt_in,
                version=previous,
                from_status=VS.APPROVED,
                to_status=VS.SUPERSEDED,
                actor=reviewer,
                reason=f"Replaced by amendment version {version.number}",
            )
    _move(
        opt_in=opt_in,
        version=version,
        to=to,
        actor=reviewer,
        reason=reason,
        fields={"reviewed_at": now, "reviewed_by": reviewer, "review_comments": reason},
    )
    return opt_in


@transaction.atomic
def approve_opt_in(*, opt_in: OptIn, reviewer: User, note: str = "") -> OptIn:
    return _decide(opt_in=opt_in, reviewer=reviewer, to=VS.APPROVED, reason=note.strip())


@transaction.atomic
def return_opt_in(*, opt_in: OptIn, reviewer: User, comments: str) -> OptIn:
    if not comments.strip():
        raise OptInError("Say what the facility must correct.")
    return _decide(opt_in=opt_in, reviewer=reviewer, to=VS.RETURNED, reason=comments.strip())


@transaction.atomic
def reject_opt_in(*, opt_in: OptIn, reviewer: User, reason: str) -> OptIn:
    if not reason.strip():
        raise OptInError("A rejection needs a reason.")
    return _decide(opt_in=opt_in, reviewer=reviewer, to=VS.REJECTED, reason=reason.strip())


@transaction.atomic
def grant_opt_in_extension(
    *,
    facility: Facility,
    program_year: ProgramYear,
    closes_on: datetime.date,
    reason: str,
    actor: User,
) -> OptInExtension:
    _require_reviewer(actor)
    if not reason.strip():
        raise OptInError("An extension needs a reason.")
    window_closes = program_year.opt_in_closes_on
    if window_closes is not None and closes_on <= window_closes:
        raise ValidationError(
            {"closes_on": f"The new closing date must be after {window_closes:%-d %b %Y}."}
        )
    extension = OptInExtension.objects.create(
        facility=facility,
        program_year=program_year,
        closes_on=closes_on,
        reason=reason.strip(),
        granted_by=actor,
    )
    record_event(
        actor=actor,
        action="opt_in.extension_granted",
        target=facility,
        reason=reason.strip(),
        data={"program_year": program_year.year, "closes_on": closes_on.isoformat()},
    )
    return extension


@transaction.atomic
def allow_late_submission(*, opt_in: OptIn, reason: str, actor: User) -> OptIn:
    """Program-admin override: the facility may submit after the window, with a reason."""
    _require_program_admin(actor)
    if not reason.strip():
        raise OptInError("A late-submission override needs a reason.")
    opt_in = OptIn.objects.select_for_update().get(pk=opt_in.pk)
    opt_in.late_submission_reason = reason.strip()
    opt_in.late_submission_allowed_by = actor
    opt_in.late_submission_allowed_at = timezone.now()
    opt_in.save()
    record_event(
        actor=actor, action="opt_in.late_submission_allowed", target=opt_in, reason=reason.strip()
    )
    return opt_in
