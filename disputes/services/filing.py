"""Filing a dispute: the facility's draft and its items, electronic submission, and the paper
dispute a liaison enters with its receipt date."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from disputes import clocks
from disputes.models import EDITABLE_STATUSES, Channel, Dispute, DisputeItem, Status
from disputes.programs import DisputeProgram, ItemChoice, get_program
from disputes.services.common import (
    IncompleteDispute,
    InvalidTransition,
    after,
    cancel_notices,
    default_assignee,
    holidays_around,
    lock,
    move,
    pending_notices,
    record_dispute_event,
    require_case_worker,
    require_member,
    schedule_decision_clock,
    start_decision_clock,
)
from portal.calendar.dates import deadline_end, pacific_time
from portal.models import Organisation, ScheduledNotice, User
from portal.notifications.services import schedule_notice

FILING_FIELDS = (
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


def program_of(*, program: str, program_year: int, dispute_type: str) -> DisputeProgram:
    """The registered program, refusing a year or a type it does not have."""
    dispute_program = get_program(program)
    if program_year not in dict(dispute_program.year_choices()):
        raise ValidationError(f"{program_year} is not a {dispute_program.title} program year.")
    if dispute_type not in dict(dispute_program.type_choices()):
        raise ValidationError(f"{dispute_program.title} has no dispute type '{dispute_type}'.")
    return dispute_program


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(FILING_FIELDS)
    if unknown:
        raise TypeError(f"unknown dispute fields {sorted(unknown)}")


@transaction.atomic
def create_dispute_draft(
    *,
    facility: Organisation,
    program: str,
    program_year: int,
    dispute_type: str,
    filed_by: User,
    items: Iterable[ItemChoice] = (),
    **fields: Any,
) -> Dispute:
    require_member(filed_by, facility)
    _check_fields(fields)
    dispute_program = program_of(
        program=program, program_year=program_year, dispute_type=dispute_type
    )
    dispute = Dispute.objects.create(
        facility=facility,
        program=dispute_program.program,
        program_year=program_year,
        dispute_type=dispute_type,
        filed_by=filed_by,
        contact_name=fields.pop("contact_name", "") or filed_by.full_name,
        contact_email=fields.pop("contact_email", "") or filed_by.email,
        **fields,
    )
    replace_items(dispute, dispute_program, items)
    record_dispute_event(dispute, action="draft_created", actor=filed_by)
    return dispute


def replace_items(dispute: Dispute, program: DisputeProgram, items: Iterable[ItemChoice]) -> None:
    """The dispute's items of the program's kinds become ``items`` (each once)."""
    order = [kind.kind for kind in program.item_kinds]
    chosen: dict[tuple[str, int], ItemChoice] = {}
    for item in items:
        if item.kind not in order:
            raise ValidationError(f"{program.title} disputes have no '{item.kind}' items.")
        if item.facility_id not in (None, dispute.facility_id) or item.program_year not in (
            None,
            dispute.program_year,
        ):
            raise PermissionDenied("Those items are not the facility's in this program year.")
        chosen[(item.kind, item.key)] = item
    dispute.items.filter(kind__in=order).delete()
    DisputeItem.objects.bulk_create(
        [
            DisputeItem(dispute=dispute, **chosen[key].item_fields())
            for key in sorted(chosen, key=lambda key: (order.index(key[0]), key[1]))
        ]
    )


@transaction.atomic
def update_dispute(
    *,
    dispute: Dispute,
    actor: User,
    items: Iterable[ItemChoice] | None = None,
    **fields: Any,
) -> Dispute:
    """Change a draft or a returned dispute (the facility's amendment)."""
    dispute = lock(dispute)
    require_member(actor, dispute.facility)
    if dispute.status not in EDITABLE_STATUSES:
        raise InvalidTransition(f"{dispute.reference} can no longer be changed")
    _check_fields(fields)
    for name, value in fields.items():
        setattr(dispute, name, value)
    dispute.save()
    if items is not None:
        replace_items(dispute, get_program(dispute.program), items)
    record_dispute_event(dispute, action="edited", actor=actor, data={"fields": sorted(fields)})
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
    program = dispute.dispute_program
    if program and dispute.dispute_type in program.itemised_types and not dispute.items.exists():
        missing.append("the disputed " + " or ".join(kind.noun for kind in program.item_kinds))
    if not dispute.explanation.strip():
        missing.append("why the plan's action is wrong")
    if dispute.amount_sought is None:
        missing.append("the amount you believe is owed")
    return missing


def check_complete(dispute: Dispute) -> None:
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


def acknowledge(dispute: Dispute, *, actor: User | None, now: datetime.datetime) -> None:
    """Record the acknowledgement of a submitted dispute and stop its acknowledgement clock."""
    previous = move(
        dispute, Status.ACKNOWLEDGED, allowed_from=[Status.SUBMITTED], action="acknowledge"
    )
    dispute.acknowledged_at = now
    cancel_notices(dispute, ["dispute_ack_due"], "acknowledged")
    pending_notices(dispute, ["dispute_overdue"]).filter(data__clock="ack").update(
        state=ScheduledNotice.State.CANCELLED, last_error="acknowledged"
    )
    dispute.save()
    record_dispute_event(dispute, action="acknowledged", actor=actor, from_status=previous)


@transaction.atomic
def submit_dispute(*, dispute: Dispute, actor: User) -> Dispute:
    """Electronic filing: received now, acknowledged at once (recorded), clocks start."""
    dispute = lock(dispute)
    require_member(actor, dispute.facility)
    now = timezone.now()
    today = timezone.localdate(now)
    if dispute.status != Status.DRAFT:
        raise InvalidTransition(f"{dispute.reference} is not a draft")
    check_complete(dispute)
    _check_in_time(dispute, today)
    previous = move(dispute, Status.SUBMITTED, allowed_from=[Status.DRAFT], action="submit")
    dispute.channel = Channel.ELECTRONIC
    dispute.received_at = now
    dispute.ack_due = clocks.ack_due(
        received_on=today, is_paper=False, holidays=holidays_around(today)
    )
    dispute.assignee = dispute.assignee or default_assignee(dispute.facility)
    start_decision_clock(dispute, received_on=today)
    dispute.save()
    record_dispute_event(dispute, action="submitted", actor=actor, from_status=previous)
    acknowledge(dispute, actor=None, now=now)
    return dispute


@transaction.atomic
def enter_paper_dispute(
    *,
    facility: Organisation,
    program: str,
    program_year: int,
    dispute_type: str,
    received_on: datetime.date,
    actor: User,
    filed_by: User | None = None,
    **fields: Any,
) -> Dispute:
    """A paper dispute entered by a liaison with its receipt date: 15 working days to
    acknowledge, 45 to decide, both from the receipt date."""
    require_case_worker(actor, facility)
    if received_on > timezone.localdate():
        raise ValidationError("The receipt date cannot be in the future.")
    dispute_program = program_of(
        program=program, program_year=program_year, dispute_type=dispute_type
    )
    dispute = Dispute(
        facility=facility,
        program=dispute_program.program,
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
    holidays = holidays_around(received_on)
    dispute.ack_due = clocks.ack_due(received_on=received_on, is_paper=True, holidays=holidays)
    dispute.assignee = default_assignee(facility) or actor
    dispute.received_on = received_on
    dispute.decision_due = clocks.decision_due(received_on=received_on, holidays=holidays)
    dispute.save()
    schedule_decision_clock(dispute)
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
        due_at=after(dispute.ack_due),
        link=link,
        data={"clock": "ack", "due_on": dispute.ack_due},
    )
    record_dispute_event(dispute, action="paper_entered", actor=actor, from_status=Status.DRAFT)
    return dispute
