"""Writes for disputes: filing, the PDR lifecycle, case management, determinations and their
money outcome. Keyword-only, one transaction each; every transition writes a DisputeEvent (the
case timeline) and an audit row in that transaction, and (re)schedules or cancels its notices.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from disputes import clocks
from disputes.models import (
    EDITABLE_STATUSES,
    Channel,
    Determination,
    Dispute,
    DisputeAttachment,
    DisputeEvent,
    DisputeItem,
    DisputeType,
    Note,
    NoteRevision,
    Outcome,
    Status,
)
from payments import services as payments_services
from payments.models import (
    LedgerEntry,
    PaymentRun,
)
from portal.accounts.models import (
    FACILITY_ROLES,
    FINANCE_ROLES,
)
from portal.audit.services import record_event
from portal.calendar.dates import (
    deadline_end,
    pacific_time,
    plan_holidays,
)
from portal.files.pdf import html_to_pdf
from portal.files.uploads import check_upload
from portal.models import (
    Facility,
    LiaisonAssignment,
    Role,
    ScheduledNotice,
    User,
)
from portal.money import round_money
from portal.notifications.services import schedule_notice
from programs.wqip.models import (
    BedDayAdjustment,
    BedDayMemberRange,
    ExhibitKind,
    PerDiemExhibit,
    ProgramYear,
)
from programs.wqip.services import adjustments as wqip_adjustments
from programs.wqip.services import payments as wqip_payments

SOURCE_TYPE = "disputes.dispute"  # how payments rows point back at a dispute
CASE_ROLES = frozenset({Role.LTSS_LIAISON, Role.PROGRAM_ADMIN})
ATTACHMENT_TYPES = ("application/pdf", "image/png", "image/jpeg")
DECISION_KINDS = ["dispute_decision_due", "dispute_overdue"]
SEND_HOUR = 8


class InvalidTransition(ValueError):
    pass


class IncompleteDispute(ValidationError):
    pass


def is_case_worker(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in CASE_ROLES)


def is_facility_user(user: User) -> bool:
    return user.is_authenticated and user.role in FACILITY_ROLES


def _require_case_worker(user: User) -> None:
    if not is_case_worker(user):
        raise PermissionDenied("Only LTSS liaisons and program administrators work disputes.")


def _require_member(user: User, facility: Facility) -> None:
    if (
        not is_facility_user(user)
        or not facility.memberships.filter(user=user, is_active=True).exists()
    ):
        raise PermissionDenied("Only users of the facility can file or change its disputes.")


def _lock(dispute: Dispute) -> Dispute:
    return Dispute.objects.select_for_update().get(pk=dispute.pk)


def _event(
    dispute: Dispute,
    *,
    action: str,
    actor: User | None,
    reason: str = "",
    from_status: str = "",
    internal: bool = False,
    data: dict[str, Any] | None = None,
) -> DisputeEvent:
    event = DisputeEvent.objects.create(
        dispute=dispute,
        action=action,
        from_status=from_status,
        to_status=dispute.status if from_status else "",
        actor=actor if actor is not None and actor.pk else None,
        reason=reason,
        is_internal=internal,
    )
    record_event(actor=actor, action=f"dispute.{action}", target=dispute, reason=reason, data=data)
    return event


def _move(
    dispute: Dispute,
    to: str,
    *,
    allowed_from: Iterable[str],
    actor: User | None,
    action: str,
    reason: str = "",
) -> str:
    if dispute.status not in set(allowed_from):
        raise InvalidTransition(
            f"{dispute.reference} is {dispute.get_status_display().lower()}; cannot {action}"
        )
    previous = dispute.status
    dispute.status = to
    return previous


def _holidays_around(day: datetime.date) -> set[datetime.date]:
    return plan_holidays(years=range(day.year - 1, day.year + 2))


def _notices(dispute: Dispute, kinds: list[str]):  # type: ignore[no-untyped-def]
    return ScheduledNotice.objects.filter(
        subject_type=ContentType.objects.get_for_model(Dispute),
        subject_id=dispute.pk,
        state=ScheduledNotice.State.PENDING,
        kind__in=kinds,
    )


def _cancel(dispute: Dispute, kinds: list[str], reason: str) -> int:
    return _notices(dispute, kinds).update(
        state=ScheduledNotice.State.CANCELLED, last_error=reason[:500]
    )


def _after(day: datetime.date) -> datetime.datetime:
    """The first moment after a deadline day ends (when an overdue notice goes out)."""
    return deadline_end(day) + datetime.timedelta(seconds=1)


def _schedule_decision_clock(dispute: Dispute) -> None:
    assert dispute.received_on is not None
    assert dispute.decision_due is not None
    holidays = _holidays_around(dispute.received_on)
    link = dispute.get_absolute_url()
    for reminder in clocks.decision_reminders(
        received_on=dispute.received_on, level=dispute.level, holidays=holidays
    ):
        schedule_notice(
            kind="dispute_decision_due",
            subject=dispute,
            due_at=pacific_time(reminder.on, SEND_HOUR),
            link=link,
            data={
                "decision_due_on": dispute.decision_due,
                "notify_program_admin": reminder.notify_program_admin,
            },
        )
    schedule_notice(
        kind="dispute_overdue",
        subject=dispute,
        due_at=_after(dispute.decision_due),
        link=link,
        data={"clock": "decision", "due_on": dispute.decision_due},
    )


def _start_decision_clock(dispute: Dispute, *, received_on: datetime.date) -> None:
    """(Re)start the 45-working-day clock from ``received_on`` (filing or amendment)."""
    _cancel(dispute, DECISION_KINDS, "decision clock restarted")
    dispute.received_on = received_on
    dispute.decision_due = clocks.decision_due(
        received_on=received_on, level=dispute.level, holidays=_holidays_around(received_on)
    )
    _schedule_decision_clock(dispute)


def default_assignee(facility: Facility) -> User | None:
    """The facility's primary liaison (else the case goes to the team queue, unassigned)."""
    assignment = LiaisonAssignment.objects.filter(facility=facility).select_related("liaison")
    first = assignment.first()
    return first.liaison if first is not None and first.liaison.is_active else None


# --- filing (facility) ---------------------------------------------------------------------------

FILING_FIELDS = (
    "dispute_type",
    "payment_run",
    "ledger_entry",
    "report_reference",
    "plan_action_on",
    "explanation",
    "amount_sought",
    "contact_name",
    "contact_email",
    "contact_phone",
)


@transaction.atomic
def create_dispute_draft(
    *,
    facility: Facility,
    program_year: ProgramYear,
    dispute_type: str,
    filed_by: User,
    months: Iterable[int] = (),
    member_ranges: Iterable[BedDayMemberRange] = (),
    **fields: Any,
) -> Dispute:
    _require_member(filed_by, facility)
    unknown = set(fields) - set(FILING_FIELDS)
    if unknown:
        raise TypeError(f"unknown dispute fields {sorted(unknown)}")
    dispute = Dispute.objects.create(
        facility=facility,
        program_year=program_year,
        dispute_type=dispute_type,
        filed_by=filed_by,
        contact_name=fields.pop("contact_name", "") or filed_by.full_name,
        contact_email=fields.pop("contact_email", "") or filed_by.email,
        **fields,
    )
    _replace_items(dispute, months=months, member_ranges=member_ranges)
    _event(dispute, action="draft_created", actor=filed_by)
    return dispute


def _replace_items(
    dispute: Dispute, *, months: Iterable[int], member_ranges: Iterable[BedDayMemberRange]
) -> None:
    dispute.items.filter(kind__in=[DisputeItem.Kind.MONTH, DisputeItem.Kind.MEMBER_DAYS]).delete()
    items = [
        DisputeItem(dispute=dispute, kind=DisputeItem.Kind.MONTH, month=int(month))
        for month in sorted(set(months))
    ]
    for member_range in member_ranges:
        if (
            member_range.facility_id != dispute.facility_id
            or member_range.first_day.year != dispute.program_year.year
        ):
            raise PermissionDenied("Those days are not the facility's days in this program year.")
        items.append(
            DisputeItem(
                dispute=dispute,
                kind=DisputeItem.Kind.MEMBER_DAYS,
                member_id=member_range.member_id,
                first_day=member_range.first_day,
                last_day=member_range.last_day,
                days=member_range.days,
                outcome=member_range.reason,
            )
        )
    DisputeItem.objects.bulk_create(items)


@transaction.atomic
def update_dispute(
    *,
    dispute: Dispute,
    actor: User,
    months: Iterable[int] | None = None,
    member_ranges: Iterable[BedDayMemberRange] | None = None,
    **fields: Any,
) -> Dispute:
    """Change a draft or a returned dispute (the facility's amendment)."""
    dispute = _lock(dispute)
    _require_member(actor, dispute.facility)
    if dispute.status not in EDITABLE_STATUSES:
        raise InvalidTransition(f"{dispute.reference} can no longer be changed")
    unknown = set(fields) - set(FILING_FIELDS)
    if unknown:
        raise TypeError(f"unknown dispute fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(dispute, name, value)
    dispute.save()
    if months is not None or member_ranges is not None:
        _replace_items(dispute, months=months or (), member_ranges=member_ranges or ())
    _event(dispute, action="edited", actor=actor, data={"fields": sorted(fields)})
    return dispute


def missing_contents(dispute: Dispute) -> list[str]:
    """Required contents (domain guide §8) still missing; empty when the filing is complete."""
    missing = []
    if not dispute.contact_name or not dispute.contact_email:
        missing.append("a contact name and e-mail")
    if not (dispute.payment_run_id or dispute.ledger_entry_id or dispute.report_reference):
        missing.append("the payment run, ledger entry or report disputed")
    if dispute.plan_action_on is None and dispute.level == 1:
        missing.append("the date of the plan's action (or the due date if nothing was paid)")
    if dispute.dispute_type == DisputeType.BED_DAY_COUNT and not dispute.items.exists():
        missing.append("the disputed months or member-days")
    if not dispute.explanation.strip():
        missing.append("why the plan's action is wrong")
    if dispute.amount_sought is None:
        missing.append("the amount you believe is owed")
    return missing


def _check_complete(dispute: Dispute) -> None:
    missing = missing_contents(dispute)
    if missing:
        raise IncompleteDispute(
            "The dispute cannot be submitted yet. Still missing: " + "; ".join(missing) + ".",
            code="incomplete",
        )


def _check_in_time(dispute: Dispute, today: datetime.date) -> None:
    if dispute.level == 2:
        assert dispute.parent is not None
        assert dispute.parent.second_level_due is not None
        dispute.filing_deadline = dispute.parent.second_level_due
        clocks.check_second_level_in_time(
            second_level_due=dispute.parent.second_level_due, filed_on=today
        )
    else:
        assert dispute.plan_action_on is not None
        dispute.filing_deadline = clocks.check_filing_in_time(
            action_on=dispute.plan_action_on, filed_on=today
        )


def _acknowledge(dispute: Dispute, *, actor: User | None, now: datetime.datetime) -> None:
    previous = _move(
        dispute,
        Status.ACKNOWLEDGED,
        allowed_from=[Status.SUBMITTED],
        actor=actor,
        action="acknowledge",
    )
    dispute.acknowledged_at = now
    _cancel(dispute, ["dispute_ack_due"], "acknowledged")
    _notices(dispute, ["dispute_overdue"]).filter(data__clock="ack").update(
        state=ScheduledNotice.State.CANCELLED, last_error="acknowledged"
    )
    dispute.save()
    _event(dispute, action="acknowledged", actor=actor, from_status=previous)


@transaction.atomic
def submit_dispute(*, dispute: Dispute, actor: User) -> Dispute:
    """Electronic filing: received now, acknowledged at once (recorded), clocks start."""
    dispute = _lock(dispute)
    _require_member(actor, dispute.facility)
    now = timezone.now()
    today = timezone.localdate(now)
    if dispute.status != Status.DRAFT:
        raise InvalidTransition(f"{dispute.reference} is not a draft")
    _check_complete(dispute)
    _check_in_time(dispute, today)
    previous = _move(
        dispute, Status.SUBMITTED, allowed_from=[Status.DRAFT], actor=actor, action="submit"
    )
    dispute.channel = Channel.ELECTRONIC
    dispute.received_at = now
    dispute.ack_due = clocks.ack_due(
        received_on=today, is_paper=False, holidays=_holidays_around(today)
    )
    dispute.assignee = dispute.assignee or default_assignee(dispute.facility)
    _start_decision_clock(dispute, received_on=today)
    dispute.save()
    _event(dispute, action="submitted", actor=actor, from_status=previous)
    _acknowledge(dispute, actor=None, now=now)
    return dispute


@transaction.atomic
def enter_paper_dispute(
    *,
    facility: Facility,
    program_year: ProgramYear,
    dispute_type: str,
    received_on: datetime.date,
    actor: User,
    filed_by: User | None = None,
    **fields: Any,
) -> Dispute:
    """A paper dispute entered by a liaison with its receipt date: 15 working days to
    acknowledge, 45 to decide, both from the receipt date."""
    _require_case_worker(actor)
    if received_on > timezone.localdate():
        raise ValidationError("The receipt date cannot be in the future.")
    dispute = Dispute(
        facility=facility,
        program_year=program_year,
        dispute_type=dispute_type,
        filed_by=filed_by or actor,
        channel=Channel.PAPER,
        status=Status.SUBMITTED,
        received_at=pacific_time(received_on, 12),
        **fields,
    )
    if dispute.plan_action_on is not None:
        dispute.filing_deadline = clocks.check_filing_in_time(
            action_on=dispute.plan_action_on, filed_on=received_on
        )
    holidays = _holidays_around(received_on)
    dispute.ack_due = clocks.ack_due(received_on=received_on, is_paper=True, holidays=holidays)
    dispute.assignee = default_assignee(facility) or actor
    dispute.received_on = received_on
    dispute.decision_due = clocks.decision_due(received_on=received_on, holidays=holidays)
    dispute.save()
    _schedule_decision_clock(dispute)
    link = dispute.get_absolute_url()
    schedule_notice(
        kind="dispute_ack_due",
        subject=dispute,
        due_at=deadline_end(clocks.ack_reminder_on(received_on=received_on, holidays=holidays)),
        link=link,
    )
    schedule_notice(
        kind="dispute_overdue",
        subject=dispute,
        due_at=_after(dispute.ack_due),
        link=link,
        data={"clock": "ack", "due_on": dispute.ack_due},
    )
    _event(dispute, action="paper_entered", actor=actor, from_status=Status.DRAFT)
    return dispute


@transaction.atomic
def acknowledge_dispute(*, dispute: Dispute, actor: User) -> Dispute:
    """Written acknowledgement of a paper dispute."""
    _require_case_worker(actor)
    dispute = _lock(dispute)
    _acknowledge(dispute, actor=actor, now=timezone.now())
    return dispute


# --- case management (liaisons) ----------------------------------------------------------------


@transaction.atomic
def assign_dispute(*, dispute: Dispute, assignee: User, actor: User, reason: str = "") -> Dispute:
    _require_case_worker(actor)
    if not (assignee.is_active and (assignee.role in CASE_ROLES or assignee.is_superuser)):
        raise ValidationError("Cases can only be assigned to liaisons or program administrators.")
    dispute = _lock(dispute)
    if dispute.assignee_id == assignee.pk:
        return dispute
    before = dispute.assignee
    dispute.assignee = assignee
    dispute.save(update_fields=["assignee", "updated_at"])
    _event(
        dispute,
        action="assigned" if before is None else "reassigned",
        actor=actor,
        reason=reason or f"{before or 'queue'} -> {assignee}",
        internal=True,
    )
    return dispute


@transaction.atomic
def start_review(*, dispute: Dispute, actor: User) -> Dispute:
    _require_case_worker(actor)
    dispute = _lock(dispute)
    previous = _move(
        dispute,
        Status.UNDER_REVIEW,
        allowed_from=[Status.ACKNOWLEDGED, Status.AMENDED],
        actor=actor,
        action="start review",
    )
    if dispute.assignee_id is None:
        dispute.assignee = actor
    dispute.save()
    _event(dispute, action="review_started", actor=actor, from_status=previous)
    return dispute


@transaction.atomic
def return_for_information(*, dispute: Dispute, actor: User, missing: str) -> Dispute:
    """Returned stating what is missing: 30 calendar days to amend, else closed."""
    _require_case_worker(actor)
    if not missing.strip():
        raise ValidationError("Say what is missing.")
    dispute = _lock(dispute)
    previous = _move(
        dispute,
        Status.RETURNED,
        allowed_from=[Status.ACKNOWLEDGED, Status.AMENDED, Status.UNDER_REVIEW],
        actor=actor,
        action="return",
    )
    now = timezone.now()
    dispute.returned_at = now
    dispute.return_reason = missing.strip()
    dispute.amend_due = clocks.amend_due(returned_on=timezone.localdate(now))
    _cancel(dispute, DECISION_KINDS, "returned for more information")
    dispute.save()
    for day in clocks.amend_reminders(amend_due_on=dispute.amend_due):
        schedule_notice(
            kind="amendment_window_closing",
            subject=dispute,
            due_at=pacific_time(day, SEND_HOUR),
            link=dispute.get_absolute_url(),
            data={"amend_due_on": dispute.amend_due},
        )
    _event(dispute, action="returned", actor=actor, from_status=previous, reason=missing)
    return dispute


@transaction.atomic
def amend_dispute(*, dispute: Dispute, actor: User, explanation: str = "") -> Dispute:
    """The facility resubmits a returned dispute: the 45-day clock restarts from today."""
    dispute = _lock(dispute)
    _require_member(actor, dispute.facility)
    now = timezone.now()
    today = timezone.localdate(now)
    if dispute.status != Status.RETURNED:
        raise InvalidTransition(f"{dispute.reference} is not returned for information")
    if dispute.amend_due is not None and today > dispute.amend_due:
        raise InvalidTransition(
            f"The amendment window closed on {dispute.amend_due:%-d %B %Y}; the case is closed."
        )
    _check_complete(dispute)
    previous = _move(
        dispute, Status.AMENDED, allowed_from=[Status.RETURNED], actor=actor, action="amend"
    )
    _cancel(dispute, ["amendment_window_closing"], "amended")
    dispute.received_at = now
    dispute.acknowledged_at = now
    _start_decision_clock(dispute, received_on=today)
    dispute.save()
    _event(dispute, action="amended", actor=actor, from_status=previous, reason=explanation)
    return dispute


@transaction.atomic
def close_incomplete(*, dispute: Dispute, actor: User | None = None) -> Dispute:
    dispute = _lock(dispute)
    if dispute.status != Status.RETURNED:
        return dispute
    if dispute.amend_due is not None and timezone.localdate() <= dispute.amend_due:
        raise InvalidTransition("The amendment window is still open.")
    previous = _move(
        dispute,
        Status.CLOSED_INCOMPLETE,
        allowed_from=[Status.RETURNED],
        actor=actor,
        action="close",
    )
    _cancel(dispute, ["amendment_window_closing", *DECISION_KINDS], "closed incomplete")
    dispute.save()
    _event(
        dispute,
        action="closed_incomplete",
        actor=actor,
        from_status=previous,
        reason=f"Not amended by {dispute.amend_due:%-d %B %Y}.",
    )
    return dispute


# --- notes and messages ------------------------------------------------------------------------


@transaction.atomic
def add_note(*, dispute: Dispute, author: User, body: str, visibility: str) -> Note:
    if not body.strip():
        raise ValidationError("Write a message.")
    if is_facility_user(author):
        _require_member(author, dispute.facility)
        visibility = Note.Visibility.SHARED  # facility users only ever write to the plan
    elif not author.is_superuser and author.role not in CASE_ROLES | FINANCE_ROLES:
        raise PermissionDenied
    note = Note.objects.create(
        dispute=dispute, author=author, body=body.strip(), visibility=visibility
    )
    record_event(
        actor=author,
        action="dispute.note_added",
        target=dispute,
        data={"note": note.pk, "visibility": visibility},
    )
    return note


def can_edit_note(*, note: Note, user: User) -> bool:
    if note.author_id == user.pk:
        return True
    return is_case_worker(user) and note.is_internal


@transaction.atomic
def edit_note(*, note: Note, editor: User, body: str) -> Note:
    """An edit keeps the previous text as a revision."""
    note = Note.objects.select_for_update().get(pk=note.pk)
    if not can_edit_note(note=note, user=editor):
        raise PermissionDenied
    if not body.strip():
        raise ValidationError("A note cannot be empty.")
    if body.strip() == note.body:
        return note
    NoteRevision.objects.create(note=note, body=note.body, edited_by=editor)
    note.body = body.strip()
    note.edited_at = timezone.now()
    note.save(update_fields=["body", "edited_at"])
    record_event(
        actor=editor, action="dispute.note_edited", target=note.dispute, data={"note": note.pk}
    )
    return note


@transaction.atomic
def upload_attachment(*, dispute: Dispute, upload: UploadedFile, actor: User) -> DisputeAttachment:
    """Same rules as opt-in documents (portal.uploads): content type by magic bytes, size."""
    dispute = _lock(dispute)
    if is_facility_user(actor):
        _require_member(actor, dispute.facility)
        if dispute.status not in EDITABLE_STATUSES:
            raise InvalidTransition(
                "Attachments can be added while the dispute is a draft or returned for information."
            )
    else:
        _require_case_worker(actor)
    checked = check_upload(upload, allowed_types=ATTACHMENT_TYPES)
    attachment = DisputeAttachment(
        dispute=dispute,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    # stored under a generated name (StoredUpload.file's upload_to); the uploaded one is ignored
    attachment.file.save(checked.original_name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    _event(dispute, action="attachment_added", actor=actor, reason=checked.original_name)
    return attachment


def log_member_rows_viewed(*, dispute: Dispute, viewer: User, masked: bool) -> None:
    """Member-level rows of a dispute were shown (domain guide §12: such views are logged)."""
    record_event(
        actor=viewer,
        action="dispute.member_rows_viewed",
        target=dispute,
        data={"masked": masked},
    )


# --- determination -----------------------------------------------------------------------------

DMHC_TEXT = (
    "If you disagree with this determination, or if you do not receive a determination within "
    "45 working days of the plan's receipt of your dispute, you may file a complaint with the "
    "Department of Managed Health Care (DMHC), Provider Complaint Unit, at "
    "www.dmhc.ca.gov or 1-877-525-1295."
)


def render_letter_html(dispute: Dispute, determination: Determination) -> str:
    """The determination letter: outcome, reasoning, amount, second-level and DMHC rights.
    Only what is shared with the facility goes in (never internal notes or member IDs)."""
    return render_to_string(
        "disputes/determination_letter.html",
        {
            "dispute": dispute,
            "determination": determination,
            "facility": dispute.facility,
            "items": [item.label(masked=True) for item in dispute.items.all()],
            "dmhc_text": DMHC_TEXT,
        },
    )


def render_letter_pdf(dispute: Dispute, determination: Determination) -> bytes:
    return html_to_pdf(render_letter_html(dispute, determination))


@transaction.atomic
def determine_dispute(
    *,
    dispute: Dispute,
    actor: User,
    outcome: str,
    reasoning: str,
    amount: Decimal,
    adjustment_days: int = 0,
) -> Determination:
    _require_case_worker(actor)
    dispute = _lock(dispute)
    if not reasoning.strip():
        raise ValidationError("Write the reasoning of the determination.")
    if outcome == Outcome.UPHELD and (amount or adjustment_days):
        raise ValidationError("An upheld action changes nothing: amount and days must be 0.")
    if adjustment_days and dispute.dispute_type != DisputeType.BED_DAY_COUNT:
        raise ValidationError("Bed days can only be adjusted on a bed-day count dispute.")
    previous = _move(
        dispute,
        Status.DETERMINED,
        allowed_from=[Status.UNDER_REVIEW],
        actor=actor,
        action="determine",
    )
    now = timezone.now()
    today = timezone.localdate(now)
    determination = Determination(
        dispute=dispute,
        outcome=outcome,
        reasoning=reasoning.strip(),
        amount=round_money(Decimal(amount)),
        adjustment_days=adjustment_days if outcome != Outcome.UPHELD else 0,
        decided_by=actor,
        decided_at=now,
    )
    if determination.adjustment_days:
        determination.bed_day_adjustment = wqip_adjustments.record_bed_day_adjustment(
            facility=dispute.facility,
            program_year=dispute.program_year.year,
            days=determination.adjustment_days,
            reason=f"Dispute {dispute.reference}: {outcome}",
            created_by=actor,
            source_type=SOURCE_TYPE,
            source_id=str(dispute.pk),
        )
    if dispute.level == 1:
        dispute.second_level_due = clocks.second_level_due(
            determined_on=today, holidays=_holidays_around(today)
        )
    determination.save()
    dispute.save()
    pdf = render_letter_pdf(dispute, determination)
    determination.letter.save(
        f"disputes/{dispute.pk}/letter-{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=True
    )
    _cancel(dispute, DECISION_KINDS, "determined")
    schedule_notice(
        kind="dispute_decision",
        subject=dispute,
        due_at=now,
        link=dispute.get_absolute_url(),
    )
    _event(
        dispute,
        action="determined",
        actor=actor,
        from_status=previous,
        reason=determination.get_outcome_display(),
        data={"amount": str(determination.amount), "days": determination.adjustment_days},
    )
    return determination


@transaction.atomic
def close_dispute(*, dispute: Dispute, actor: User, reason: str = "") -> Dispute:
    _require_case_worker(actor)
    dispute = _lock(dispute)
    previous = _move(
        dispute, Status.CLOSED, allowed_from=[Status.DETERMINED], actor=actor, action="close"
    )
    dispute.save()
    _event(dispute, action="closed", actor=actor, from_status=previous, reason=reason)
    return dispute


@transaction.atomic
def file_second_level(*, parent: Dispute, actor: User) -> Dispute:
    """A second-level (final) dispute: a draft copying the first one's filing."""
    _require_member(actor, parent.facility)
    parent = _lock(parent)
    if parent.level != 1 or parent.status not in (Status.DETERMINED, Status.CLOSED):
        raise InvalidTransition("Only a determined first-level dispute can go to second level.")
    if parent.second_levels.exists():
        raise InvalidTransition("A second-level dispute already exists for this dispute.")
    assert parent.second_level_due is not None
    clocks.check_second_level_in_time(
        second_level_due=parent.second_level_due, filed_on=timezone.localdate()
    )
    dispute = Dispute.objects.create(
        facility=parent.facility,
        program_year=parent.program_year,
        dispute_type=parent.dispute_type,
        level=2,
        parent=parent,
        filed_by=actor,
        payment_run=parent.payment_run,
        ledger_entry=parent.ledger_entry,
        report_reference=parent.report_reference,
        plan_action_on=parent.plan_action_on,
        amount_sought=parent.amount_sought,
        contact_name=parent.contact_name,
        contact_email=parent.contact_email,
        contact_phone=parent.contact_phone,
        filing_deadline=parent.second_level_due,
        assignee=parent.assignee,
    )
    DisputeItem.objects.bulk_create(
        [
            DisputeItem(
                dispute=dispute,
                kind=item.kind,
                month=item.month,
                member_id=item.member_id,
                first_day=item.first_day,
                last_day=item.last_day,
                days=item.days,
                outcome=item.outcome,
                description=item.description,
            )
            for item in parent.items.all()
        ]
    )
    _event(
        dispute, action="draft_created", actor=actor, reason=f"Second level of {parent.reference}"
    )
    return dispute


# --- money outcome (finance) --------------------------------------------------------------------


def dispute_of_adjustment(adjustment: BedDayAdjustment) -> Dispute | None:
    if adjustment.source_type != SOURCE_TYPE:
        return None
    return Dispute.objects.filter(pk=adjustment.source_id).first()


@transaction.atomic
def approve_dispute_adjustment(*, adjustment: BedDayAdjustment, approver: User) -> BedDayAdjustment:
    adjustment = wqip_adjustments.approve_bed_day_adjustment(
        adjustment=adjustment, approver=approver
    )
    dispute = dispute_of_adjustment(adjustment)
    if dispute is not None:
        _event(
            dispute,
            action="adjustment_approved",
            actor=approver,
            reason=f"{adjustment.days:+d} bed days approved",
        )
    return adjustment


def supplemental_exhibit_kind(program_year: int) -> str:
    """The latest exhibit of the year (final once it exists, else interim)."""
    kinds = set(
        PerDiemExhibit.objects.filter(program_year=program_year).values_list("kind", flat=True)
    )
    for kind in (ExhibitKind.FINAL, ExhibitKind.INTERIM):
        if kind in kinds:
            return kind
    raise payments_services.PaymentRunError(f"no per-diem exhibit for {program_year}")


@transaction.atomic
def start_supplemental_run(*, dispute: Dispute, actor: User) -> PaymentRun:
    """Rerun the latest exhibit of the dispute's year; the difference posts on approval."""
    year = dispute.program_year.year
    run = wqip_payments.start_payment_run(
        program_year=year, exhibit_kind=supplemental_exhibit_kind(year), started_by=actor
    )
    _event(
        dispute,
        action="supplemental_run_started",
        actor=actor,
        reason=f"Payment run {run.pk}",
        internal=True,
    )
    return run


@transaction.atomic
def approve_supplemental_run(*, dispute: Dispute, run: PaymentRun, approver: User) -> PaymentRun:
    run = payments_services.approve_payment_run(run=run, approver=approver)
    entry = dispute_ledger_entries(dispute).filter(run=run).first()
    _event(
        dispute,
        action="payment_posted",
        actor=approver,
        reason=f"Ledger entry {entry.amount}" if entry else f"Payment run {run.pk} posted",
    )
    return run


def dispute_ledger_entries(dispute: Dispute):  # type: ignore[no-untyped-def]
    return LedgerEntry.objects.filter(source_type=SOURCE_TYPE, source_id=str(dispute.pk))


# --- daily jobs (registered with the notification engine's daily producers) ---------------------


def close_unamended_disputes(today: datetime.date) -> int:
    """Returned disputes whose amendment window has closed become closed_incomplete."""
    count = 0
    for dispute in Dispute.objects.filter(status=Status.RETURNED, amend_due__lt=today):
        close_incomplete(dispute=dispute)
        count += 1
    return count


@transaction.atomic
def escalate_overdue_disputes(today: datetime.date) -> int:
    """Open disputes past a regulatory clock: flag the breach for audit, escalate once to the
    program admins (the liaison leads) with a dispute_overdue notice, note it on the timeline."""
    overdue = Dispute.objects.select_for_update().filter(
        Q(
            status__in=[Status.ACKNOWLEDGED, Status.AMENDED, Status.UNDER_REVIEW],
            decision_due__lt=today,
        )
        | Q(status=Status.SUBMITTED, ack_due__lt=today),
        escalated_at__isnull=True,
    )
    count = 0
    now = timezone.now()
    for dispute in overdue:
        is_ack = dispute.status == Status.SUBMITTED
        due_on = dispute.ack_due if is_ack else dispute.decision_due
        dispute.is_regulatory_breach = True
        dispute.escalated_at = now
        dispute.save(update_fields=["is_regulatory_breach", "escalated_at", "updated_at"])
        schedule_notice(
            kind="dispute_overdue",
            subject=dispute,
            due_at=_after(due_on),
            link=dispute.get_absolute_url(),
            data={"clock": "ack" if is_ack else "decision", "due_on": due_on},
        )
        _event(
            dispute,
            action="escalated",
            actor=None,
            reason=f"{'Acknowledgement' if is_ack else 'Decision'} was due {due_on:%-d %B %Y}; "
            "escalated to the program administrators and flagged as a regulatory breach.",
            internal=True,
        )
        count += 1
    return count


def run_daily_jobs(today: datetime.date) -> int:
    return close_unamended_disputes(today) + escalate_overdue_disputes(today)
