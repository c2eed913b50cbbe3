"""The money outcome of a determination (finance), through the program's hooks
(``disputes.programs``): the program's adjustment is approved, a supplemental payment run of
the program pays it, and the run is approved through ``payments`` (two-person rule); its
ledger entry names the dispute (``SOURCE_TYPE``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from disputes.models import Determination, Dispute
from disputes.programs import Adjustment, get_program
from disputes.selectors import dispute_ledger_entries
from disputes.services.common import record_dispute_event
from payments import services as payments_services
from payments.models import PaymentRun
from portal.models import Role, User


@transaction.atomic
def approve_dispute_adjustment(*, determination: Determination, approver: User) -> Adjustment:
    if approver.role != Role.FINANCE_APPROVER:
        raise PermissionDenied("Only finance approvers approve adjustments.")
    dispute = determination.dispute
    program = get_program(dispute.program)
    adjustment = program.approve_adjustment(determination=determination, approver=approver)
    record_dispute_event(
        dispute,
        action="adjustment_approved",
        actor=approver,
        reason=f"{adjustment.quantity:+d} {program.adjustment_unit} approved",
    )
    return adjustment


@transaction.atomic
def start_supplemental_run(*, dispute: Dispute, actor: User) -> PaymentRun:
    """The program's run that pays the approved adjustments; the difference posts on
    approval."""
    run = get_program(dispute.program).start_supplemental_run(dispute=dispute, actor=actor)
    record_dispute_event(
        dispute,
        action="supplemental_run_started",
        actor=actor,
        reason=f"Payment run {run.pk}",
        internal=True,
    )
    return run


@transaction.atomic
def approve_supplemental_run(*, dispute: Dispute, run: PaymentRun, approver: User) -> PaymentRun:
    if (run.program, run.program_year) != (dispute.program, dispute.program_year):
        raise ValidationError(f"Payment run {run.pk} is not a run of the dispute's program year.")
    run = payments_services.approve_payment_run(run=run, approver=approver)
    entry = dispute_ledger_entries(dispute).filter(run=run).first()
    record_dispute_event(
        dispute,
        action="payment_posted",
        actor=approver,
        reason=f"Ledger entry {entry.amount}" if entry else f"Payment run {run.pk} posted",
    )
    return run
