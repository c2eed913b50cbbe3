"""Writes for inquiries. Keyword-only, one transaction each; every transition writes an
InquiryEvent and an audit row in that transaction (``portal.cases.services``) and
(re)schedules or cancels its notices.

Routing: a submitted inquiry goes to the organisation's primary liaison, else to the team
queue (unassigned); a liaison takes an unassigned one, liaison leads (program administrators)
reassign. Reassignment keeps every clock.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from portal.audit.services import log_access
from portal.cases import services as cases
from portal.cases.clocks import Clock
from portal.cases.roles import (
    is_case_worker_of,
    is_member,
    is_provider_user,
    require_case_worker_of,
    require_member,
)
from portal.inquiries import clocks
from portal.inquiries.models import (
    OPEN_STATUSES,
    Category,
    Inquiry,
    InquiryAttachment,
    InquiryMessage,
    Status,
)
from portal.models import AccessLogEntry, Organisation, User
from portal.notifications.services import schedule_notice

CIN_PATTERN = re.compile(r"^\d{8}[A-Z]$")
FIRST_REPLY_KINDS = ["inquiry_first_reply_due"]
CLOCK_KINDS = ["inquiry_first_reply_due", "inquiry_resolution_due", "inquiry_overdue"]
WHAT = "inquiries"


class InvalidTransition(ValueError):
    pass


def _lock(inquiry: Inquiry) -> Inquiry:
    return Inquiry.objects.select_for_update().get(pk=inquiry.pk)


def _move(inquiry: Inquiry, to: str, *, allowed_from: tuple[str, ...], action: str) -> str:
    if inquiry.status not in allowed_from:
        raise InvalidTransition(
            f"Inquiry {inquiry.reference} is {inquiry.get_status_display().lower()}; "
            f"cannot {action}."
        )
    previous = inquiry.status
    inquiry.status = to
    return previous


def clean_member_reference(
    *, member_cin: str, service_from: datetime.date | None, service_to: datetime.date | None
) -> str:
    """The CIN upper-cased, or a ValidationError naming the field."""
    cin = (member_cin or "").strip().upper()
    errors: dict[str, str] = {}
    if cin and not CIN_PATTERN.match(cin):
        errors["member_cin"] = "A Medi-Cal CIN is 8 digits and a letter, e.g. 91234567A."
    if (service_from or service_to) and not cin:
        errors["member_cin"] = "Give the member's CIN with the dates of service."
    if service_to and not service_from:
        errors["service_from"] = "Give the first date of service."
    if service_from and service_to and service_to < service_from:
        errors["service_to"] = "The last date of service is before the first."
    if errors:
        raise ValidationError(errors)
    return cin


@transaction.atomic
def save_draft(
    *,
    organisation: Organisation,
    author: User,
    category: str,
    subject: str,
    body: str,
    member_cin: str = "",
    service_from: datetime.date | None = None,
    service_to: datetime.date | None = None,
    inquiry: Inquiry | None = None,
) -> Inquiry:
    """A new draft, or changes to one (``inquiry``); nothing is sent to the plan yet."""
    require_member(author, organisation, WHAT)
    if category not in Category.values:
        raise ValidationError({"category": "Choose a category."})
    if not subject.strip():
        raise ValidationError({"subject": "Give the inquiry a subject."})
    cin = clean_member_reference(
        member_cin=member_cin, service_from=service_from, service_to=service_to
    )
    fields: dict[str, Any] = {
        "category": category,
        "subject": subject.strip()[:150],
        "body": body.strip(),
        "member_cin": cin,
        "service_from": service_from,
        "service_to": service_to,
    }
    if inquiry is None:
        inquiry = Inquiry.objects.create(organisation=organisation, opened_by=author, **fields)
        cases.record_case_event(inquiry, action="draft_started", actor=author)
        return inquiry
    inquiry = _lock(inquiry)
    if inquiry.status != Status.DRAFT or inquiry.organisation_id != organisation.pk:
        raise InvalidTransition(f"Inquiry {inquiry.reference} is no longer a draft.")
    for name, value in fields.items():
        setattr(inquiry, name, value)
    inquiry.save()
    return inquiry


def _schedule_clock(inquiry: Inquiry, clock: Clock, *, name: str, warn_kind: str) -> None:
    link = inquiry.get_absolute_url()
    data = {"case_number": inquiry.case_number, "clock": name, "due_on": clock.due_on}
    facility = cases.facility_of(inquiry.organisation)
    schedule_notice(
        kind=warn_kind,
        subject=inquiry,
        facility=facility,
        due_at=clock.warn_at,
        link=link,
        data=data,
    )
    schedule_notice(
        kind="inquiry_overdue",
        subject=inquiry,
        facility=facility,
        due_at=clock.breach_at,
        link=link,
        data={**data, "notify_program_admin": True},
    )


def notify_other_side(inquiry: Inquiry, *, to: str, event: str) -> None:
    """An inbox notice (and e-mail, as the recipients chose) to the organisation (``to=
    "organisation"``) or the plan (``"plan"``): the case number and a link, nothing else."""
    schedule_notice(
        kind="inquiry_message",
        subject=inquiry,
        facility=cases.facility_of(inquiry.organisation),
        due_at=timezone.now(),
        link=inquiry.get_absolute_url(),
        data={"case_number": inquiry.case_number, "to": to, "event": event},
    )


@transaction.atomic
def submit_inquiry(*, inquiry: Inquiry, actor: User) -> Inquiry:
    """The case number is given, the clocks start (day 0 = today) and the case is routed."""
    inquiry = _lock(inquiry)
    require_member(actor, inquiry.organisation, WHAT)
    if not inquiry.body.strip():
        raise ValidationError({"body": "Write your question."})
    previous = _move(inquiry, Status.SUBMITTED, allowed_from=(Status.DRAFT,), action="submit")
    now = timezone.now()
    today = timezone.localdate(now)
    holidays = cases.holidays_around(today)
    first = clocks.first_reply_clock(submitted_on=today, holidays=holidays)
    resolution = clocks.resolution_clock(started_on=today, holidays=holidays)
    inquiry.case_number = f"INQ-{inquiry.pk:06d}"
    inquiry.submitted_at = now
    inquiry.submitted_on = today
    inquiry.first_reply_due = first.due_on
    inquiry.resolution_due = resolution.due_on
    inquiry.assignee = cases.default_assignee(inquiry.organisation)
    inquiry.save()
    _schedule_clock(inquiry, first, name="first_reply", warn_kind="inquiry_first_reply_due")
    _schedule_clock(inquiry, resolution, name="resolution", warn_kind="inquiry_resolution_due")
    cases.record_case_event(
        inquiry,
        action="submitted",
        actor=actor,
        from_status=previous,
        reason=f"Routed to {inquiry.assignee or 'the team queue'}.",
    )
    notify_other_side(inquiry, to="plan", event="submitted")
    return inquiry


@transaction.atomic
def post_message(
    *, inquiry: Inquiry, author: User, body: str, internal: bool = False
) -> InquiryMessage:
    """A message to the other side, or (plan staff only) an internal note. The plan's first
    shared message stops the first-reply clock."""
    inquiry = _lock(inquiry)
    provider = is_provider_user(author)
    if provider:
        require_member(author, inquiry.organisation, WHAT)
        internal = False
    else:
        require_case_worker_of(author, inquiry.organisation.kind, WHAT)
    if inquiry.status not in OPEN_STATUSES:
        raise InvalidTransition(
            f"Inquiry {inquiry.reference} is {inquiry.get_status_display().lower()}; "
            + ("reopen it to write again." if provider else "nothing to add.")
        )
    visibility = (
        InquiryMessage.Visibility.INTERNAL if internal else InquiryMessage.Visibility.SHARED
    )
    message = cases.add_note(case=inquiry, author=author, body=body, visibility=visibility)
    assert isinstance(message, InquiryMessage)
    if internal:
        return message
    if not provider:
        if inquiry.first_replied_at is None:
            inquiry.first_replied_at = timezone.now()
            cases.cancel_notices(inquiry, FIRST_REPLY_KINDS, "first reply sent")
            cases.pending_notices(inquiry, ["inquiry_overdue"]).filter(
                data__clock="first_reply"
            ).update(state="cancelled", last_error="first reply sent")
        if inquiry.status == Status.SUBMITTED:
            previous = _move(
                inquiry, Status.IN_PROGRESS, allowed_from=(Status.SUBMITTED,), action="reply"
            )
            inquiry.save()
            cases.record_case_event(inquiry, action="replied", actor=author, from_status=previous)
        else:
            inquiry.save(update_fields=["first_replied_at", "updated_at"])
    notify_other_side(inquiry, to="plan" if provider else "organisation", event="message")
    return message


@transaction.atomic
def close_with_answer(*, inquiry: Inquiry, message: InquiryMessage, actor: User) -> Inquiry:
    """The liaison marks a shared message as the answer and closes the case; the organisation
    may reopen it up to working day 10 after today."""
    inquiry = _lock(inquiry)
    require_case_worker_of(actor, inquiry.organisation.kind, WHAT)
    if message.inquiry_id != inquiry.pk or message.is_internal:
        raise ValidationError("Only a message shared with the organisation can be the answer.")
    previous = _move(inquiry, Status.CLOSED, allowed_from=OPEN_STATUSES, action="close")
    now = timezone.now()
    today = timezone.localdate(now)
    inquiry.answer = message
    inquiry.closed_at = now
    inquiry.closed_on = today
    inquiry.reopen_until = clocks.reopen_until(
        closed_on=today, holidays=cases.holidays_around(today)
    )
    if inquiry.first_replied_at is None:
        inquiry.first_replied_at = now
    inquiry.save()
    cases.cancel_notices(inquiry, CLOCK_KINDS, "answered and closed")
    cases.record_case_event(
        inquiry,
        action="answered_and_closed",
        actor=actor,
        from_status=previous,
        reason=f"May be reopened until {inquiry.reopen_until:%-d %B %Y}.",
    )
    notify_other_side(inquiry, to="organisation", event="answered")
    return inquiry


def can_reopen(inquiry: Inquiry, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        inquiry.status == Status.CLOSED
        and inquiry.reopen_until is not None
        and today <= inquiry.reopen_until
    )


@transaction.atomic
def reopen_inquiry(*, inquiry: Inquiry, actor: User, reason: str = "") -> Inquiry:
    """Within 10 working days of closing: back to the liaison with a new resolution clock
    from today. From day 11 the organisation files a new inquiry."""
    inquiry = _lock(inquiry)
    require_member(actor, inquiry.organisation, WHAT)
    today = timezone.localdate()
    if inquiry.status == Status.CLOSED and not can_reopen(inquiry, today):
        assert inquiry.reopen_until is not None
        raise InvalidTransition(
            f"Inquiry {inquiry.reference} could be reopened until "
            f"{inquiry.reopen_until:%-d %B %Y} (10 working days after it was closed). "
            "Please file a new inquiry."
        )
    previous = _move(inquiry, Status.IN_PROGRESS, allowed_from=(Status.CLOSED,), action="reopen")
    holidays = cases.holidays_around(today)
    resolution = clocks.resolution_clock(started_on=today, holidays=holidays)
    inquiry.answer = None
    inquiry.closed_at = None
    inquiry.closed_on = None
    inquiry.reopen_until = None
    inquiry.resolution_due = resolution.due_on
    inquiry.save()
    _schedule_clock(inquiry, resolution, name="resolution", warn_kind="inquiry_resolution_due")
    if reason.strip():
        cases.add_note(
            case=inquiry,
            author=actor,
            body=reason,
            visibility=InquiryMessage.Visibility.SHARED,
        )
    cases.record_case_event(
        inquiry, action="reopened", actor=actor, from_status=previous, reason=reason.strip()
    )
    notify_other_side(inquiry, to="plan", event="reopened")
    return inquiry


def may_assign(*, actor: User, inquiry: Inquiry, assignee: User | None) -> bool:
    return cases.may_assign(
        actor=actor, case=inquiry, assignee=assignee, kind=inquiry.organisation.kind
    )


@transaction.atomic
def assign_inquiry(
    *, inquiry: Inquiry, assignee: User | None, actor: User, reason: str = ""
) -> Inquiry:
    inquiry = _lock(inquiry)
    require_case_worker_of(actor, inquiry.organisation.kind, WHAT)
    if not may_assign(actor=actor, inquiry=inquiry, assignee=assignee):
        raise PermissionDenied(
            "Liaison leads and program administrators reassign cases; a liaison takes "
            "unassigned ones and hands on their own."
        )
    if inquiry.status == Status.DRAFT:
        raise InvalidTransition("A draft is not with the plan yet.")
    cases.assign(
        case=inquiry,
        assignee=assignee,
        actor=actor,
        reason=reason,
        kind=inquiry.organisation.kind,
    )
    return inquiry


@transaction.atomic
def upload_attachment(*, inquiry: Inquiry, upload: UploadedFile, actor: User) -> InquiryAttachment:
    """The organisation adds files to its draft or open inquiry; liaisons to an open one."""
    inquiry = _lock(inquiry)
    if is_provider_user(actor):
        require_member(actor, inquiry.organisation, WHAT)
        allowed: tuple[str, ...] = (Status.DRAFT, *OPEN_STATUSES)
    else:
        require_case_worker_of(actor, inquiry.organisation.kind, WHAT)
        allowed = OPEN_STATUSES
    if inquiry.status not in allowed:
        raise InvalidTransition(
            f"Inquiry {inquiry.reference} is {inquiry.get_status_display().lower()}; "
            "no more attachments."
        )
    attachment = cases.store_attachment(case=inquiry, upload=upload, actor=actor)
    assert isinstance(attachment, InquiryAttachment)
    return attachment


def may_see_member(*, user: User, inquiry: Inquiry) -> bool:
    """The full member reference: the organisation's users and the liaisons."""
    return is_member(user, inquiry.organisation) or is_case_worker_of(
        user, inquiry.organisation.kind
    )


def log_member_view(*, inquiry: Inquiry, viewer: User, path: str) -> AccessLogEntry:
    """A full member reference was shown (contract §6: each such view is logged)."""
    return log_access(
        user=viewer,
        facility=cases.facility_of(inquiry.organisation),
        what=f"Inquiry {inquiry.reference}: member reference",
        path=path,
        row_count=1,
        masked=False,
    )


@transaction.atomic
def mark_converted(*, inquiry: Inquiry, actor: User, dispute_reference: str) -> Inquiry:
    """Called by whoever turns the inquiry into another case (disputes): closes its clocks."""
    inquiry = _lock(inquiry)
    previous = _move(
        inquiry,
        Status.CONVERTED,
        allowed_from=(*OPEN_STATUSES, Status.CLOSED),
        action="turn into a dispute",
    )
    inquiry.closed_at = inquiry.closed_at or timezone.now()
    inquiry.closed_on = inquiry.closed_on or timezone.localdate()
    inquiry.save()
    cases.cancel_notices(inquiry, CLOCK_KINDS, "turned into a dispute")
    cases.record_case_event(
        inquiry,
        action="converted",
        actor=actor,
        from_status=previous,
        reason=f"Turned into dispute {dispute_reference}.",
    )
    return inquiry


@transaction.atomic
def edit_message(*, message: InquiryMessage, editor: User, body: str) -> InquiryMessage:
    """The author edits their message (case workers also internal notes); the earlier text
    is kept as a revision."""
    edited = cases.edit_note(note=message, case=message.inquiry, editor=editor, body=body)
    assert isinstance(edited, InquiryMessage)
    return edited
