"""The written determination of a dispute (its letter, and the adjustment an overturn makes
through the program's hook), and the second-level dispute that may follow."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from disputes import clocks
from disputes.models import Determination, Dispute, DisputeItem, Outcome, Status
from disputes.programs import DisputeProgram, get_program
from disputes.services.common import (
    DECISION_KINDS,
    InvalidTransition,
    cancel_notices,
    holidays_around,
    lock,
    move,
    record_dispute_event,
    require_case_worker,
    require_member,
)
from portal.files.pdf import html_to_pdf
from portal.models import User
from portal.money import round_money
from portal.notifications.services import schedule_notice

DMHC_TEXT = (
    "If you disagree with this determination, or if you do not receive a determination within "
    "45 working days of the plan's receipt of your dispute, you may file a complaint with the "
    "Department of Managed Health Care (DMHC), Provider Complaint Unit, at "
    "www.dmhc.ca.gov or 1-877-525-1295."
)


def render_letter_html(dispute: Dispute, determination: Determination) -> str:
    """The determination letter: outcome, reasoning, amount, second-level and DMHC rights.
    Only what is shared with the facility goes in (never internal notes or member IDs)."""
    program = dispute.dispute_program
    return render_to_string(
        "disputes/determination_letter.html",
        {
            "dispute": dispute,
            "determination": determination,
            "facility": dispute.facility,
            "items": [item.label(masked=True) for item in dispute.items.all()],
            "adjustment_unit": program.adjustment_letter_unit if program else "",
            "dmhc_text": DMHC_TEXT,
        },
    )


def render_letter_pdf(dispute: Dispute, determination: Determination) -> bytes:
    return html_to_pdf(render_letter_html(dispute, determination))


def _check_adjustment(
    program: DisputeProgram, dispute: Dispute, *, outcome: str, amount: Decimal, quantity: int
) -> None:
    unit = program.adjustment_unit
    if outcome == Outcome.UPHELD and (amount or quantity):
        raise ValidationError(f"An upheld action changes nothing: amount and {unit} must be 0.")
    if quantity and not program.adjusts(dispute.dispute_type):
        types = " or ".join(program.type_label(t).lower() for t in program.adjustable_types)
        raise ValidationError(
            f"{unit.capitalize()} can only be adjusted on a {types} dispute."
            if types
            else f"No {program.title} dispute adjusts {unit}."
        )


@transaction.atomic
def determine_dispute(
    *,
    dispute: Dispute,
    actor: User,
    outcome: str,
    reasoning: str,
    amount: Decimal,
    adjustment_quantity: int = 0,
) -> Determination:
    """The written determination; an overturn with an adjustment (in the program's unit)
    records it through the program's hook, awaiting finance approval."""
    require_case_worker(actor, dispute.facility)
    dispute = lock(dispute)
    program = get_program(dispute.program)
    if not reasoning.strip():
        raise ValidationError("Write the reasoning of the determination.")
    _check_adjustment(
        program, dispute, outcome=outcome, amount=amount, quantity=adjustment_quantity
    )
    previous = move(
        dispute, Status.DETERMINED, allowed_from=[Status.UNDER_REVIEW], action="determine"
    )
    now = timezone.now()
    today = timezone.localdate(now)
    determination = Determination(
        dispute=dispute,
        outcome=outcome,
        reasoning=reasoning.strip(),
        amount=round_money(Decimal(amount)),
        adjustment_quantity=adjustment_quantity if outcome != Outcome.UPHELD else 0,
        decided_by=actor,
        decided_at=now,
    )
    if determination.adjustment_quantity:
        adjustment = program.record_adjustment(
            dispute=dispute,
            quantity=determination.adjustment_quantity,
            actor=actor,
            reason=f"Dispute {dispute.reference}: {outcome}",
        )
        determination.adjustment_type = adjustment.type
        determination.adjustment_id = adjustment.id
    if dispute.level == 1:
        dispute.second_level_due = clocks.second_level_due(
            determined_on=today, holidays=holidays_around(today)
        )
    determination.save()
    dispute.save()
    pdf = render_letter_pdf(dispute, determination)
    determination.letter.save(
        f"disputes/{dispute.pk}/letter-{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=True
    )
    cancel_notices(dispute, DECISION_KINDS, "determined")
    schedule_notice(
        kind="dispute_decision",
        subject=dispute,
        due_at=now,
        link=dispute.get_absolute_url(),
    )
    record_dispute_event(
        dispute,
        action="determined",
        actor=actor,
        from_status=previous,
        reason=determination.get_outcome_display(),
        data={
            "amount": str(determination.amount),
            "adjustment_quantity": determination.adjustment_quantity,
        },
    )
    return determination


@transaction.atomic
def file_second_level(*, parent: Dispute, actor: User) -> Dispute:
    """A second-level (final) dispute: a draft copying the first one's filing."""
    require_member(actor, parent.facility)
    parent = lock(parent)
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
        program=parent.program,
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
    record_dispute_event(
        dispute, action="draft_created", actor=actor, reason=f"Second level of {parent.reference}"
    )
    return dispute
