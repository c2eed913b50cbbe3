"""Opt-in status changes (wqip.md §7): submission, review and decision, amendments,
assignment, extensions and late-submission overrides.

Every status change goes through ``_move`` which, in the caller's transaction, changes the
version (and the opt-in while it is not yet approved), writes an ``OptInTransition`` and an
``AuditEvent``, records a calculation input revision when the approved status changes, and
schedules the notice (sent by the notification engine's sweeper once this commits).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.audit.services import (
    record_event,
    record_revision,
)
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
    OptInTransition,
    OptInVersion,
    ProgramYear,
)
from programs.wqip.services.opt_in import (
    ACKNOWLEDGEMENT_FIELDS,
    PAYEE_FIELDS,
    SIGNER_FIELDS,
    VS,
    InvalidTransition,
    OptInError,
    _locked,
    _require_facility_user,
    _require_program_admin,
    _require_reviewer,
    can_submit_now,
    missing_items,
    submission_closes_on,
    version_in_force,
)
from programs.wqip.texts import ATTESTATION_VERSION


def _day(value: datetime.date | None) -> str:
    return f"{value:%-d %b %Y}" if value else "not set"


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
