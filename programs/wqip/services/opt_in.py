"""Writes for opt-in forms (wqip.md §7): the rules (window, what is missing, who may act),
drafts, their sections and report contacts, documents.

Status changes (submission, review and decision, amendments, extensions) are in
``opt_in_review``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone

from portal.audit.services import record_event
from portal.files.uploads import check_upload
from portal.models import (
    Facility,
    Role,
    User,
)
from programs.wqip.models import (
    OptIn,
    OptInDocument,
    OptInExtension,
    OptInReportContact,
    OptInTransition,
    OptInVersion,
    ProgramYear,
)
from programs.wqip.texts import TERMS_VERSION

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


def working_version(opt_in: OptIn) -> OptInVersion | None:
    return opt_in.versions.order_by("-number").first()


def version_in_force(opt_in: OptIn) -> OptInVersion | None:
    return opt_in.versions.filter(status=VS.APPROVED).first()


def _field_label(name: str) -> str:
    field = OptInVersion._meta.get_field(name)
    assert isinstance(field, models.Field)  # REQUIRED_FIELDS names the version's own columns
    return str(field.verbose_name).capitalize()


def missing_items(version: OptInVersion) -> list[str]:
    """What still stops the facility from submitting this version, in form order."""
    missing = [_field_label(name) for name in REQUIRED_FIELDS if not getattr(version, name)]
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
        document.file.storage.delete(document.stored_name)
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
    name = document.stored_name
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
