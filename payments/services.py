"""Writes for payments: payment runs of any program, their two-person approval and the
append-only ledger. Every function is keyword-only, runs in one transaction and writes an
audit row. A run's lines come from its program's calculator (``payments.calculators``)."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from payments import notices
from payments.calculators import PaymentRunError, get_calculator
from payments.models import LedgerEntry, PaymentLine, PaymentRun
from portal.accounts.models import FINANCE_ROLES
from portal.audit.services import latest_revision_id, record_event
from portal.jobs.kinds import JobKind, JobRefused, Progress
from portal.jobs.models import Job
from portal.jobs.services import enqueue_job
from portal.models import Organisation, Role, User
from portal.money import ZERO, round_money

__all__ = [
    "AlreadyPosted",
    "NotAllowed",
    "PaymentRunError",
    "RunSummary",
    "StaleRunError",
    "TwoPersonRuleError",
    "approve_payment_run",
    "execute_payment_run",
    "post_ledger_adjustment",
    "request_payment_run",
    "run_and_post",
    "start_payment_run",
]


class NotAllowed(PaymentRunError):
    pass


class TwoPersonRuleError(NotAllowed):
    pass


class AlreadyPosted(PaymentRunError):
    pass


class StaleRunError(PaymentRunError):
    pass


def lock_program_year(program: str, program_year: int) -> None:
    """Serialise run computation and posting per program and year (transaction-scoped)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s), %s)",
            [f"payment_run:{program}", program_year],
        )


def _inputs_digest(run: PaymentRun) -> str:
    """Everything a draft depends on; a different digest at approval means it is stale."""
    posted = list(
        PaymentRun.objects.filter(
            program=run.program, program_year=run.program_year, status=PaymentRun.Status.POSTED
        )
        .exclude(pk=run.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    payload = {
        "program": run.program,
        "program_year": run.program_year,
        "kind": run.kind,
        "revision": latest_revision_id(program_year=run.program_year),
        "posted_runs": posted,
        "program_inputs": run.calculator.inputs_fingerprint(run),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _previous_run(run: PaymentRun) -> PaymentRun | None:
    """The run this one is compared with: the latest computed one of the same kind, else the
    latest posted one of the program year."""
    computed = (
        PaymentRun.Status.DRAFT,
        PaymentRun.Status.POSTED,
        PaymentRun.Status.SUPERSEDED,
    )
    earlier = PaymentRun.objects.filter(
        program=run.program,
        program_year=run.program_year,
        status__in=computed,
        computed_at__isnull=False,
        pk__lt=run.pk,
    )
    same_kind = earlier.filter(kind=run.kind).order_by("-pk").first()
    if same_kind is not None:
        return same_kind
    return earlier.filter(status=PaymentRun.Status.POSTED).order_by("-pk").first()


def net_amount(*, gross: Decimal, previously_paid: Decimal) -> Decimal:
    return round_money(gross - previously_paid) + ZERO  # + ZERO turns -0.00 into 0.00


def _write_lines(run: PaymentRun) -> None:
    calculator = run.calculator
    computed = calculator.compute_lines(run)
    paid = dict(
        PaymentLine.objects.filter(
            run__program=run.program,
            run__program_year=run.program_year,
            run__status=PaymentRun.Status.POSTED,
        )
        .exclude(run=run)
        .values("facility_id")
        .annotate(total=Sum("net_amount"))
        .values_list("facility_id", "total")
    )
    previous = _previous_run(run)
    previous_gross = (
        dict(previous.lines.values_list("facility_id", "gross_amount")) if previous else {}
    )
    lines = []
    for line in computed:
        previously_paid = paid.get(line.facility_id) or ZERO
        lines.append(
            PaymentLine(
                run=run,
                facility_id=line.facility_id,
                status=line.status,
                gross_amount=line.gross_amount,
                previously_paid=previously_paid,
                net_amount=net_amount(gross=line.gross_amount, previously_paid=previously_paid),
                due_date=line.due_date,
                previous_gross=previous_gross.get(line.facility_id),
                details=line.details,
            )
        )
    PaymentLine.objects.bulk_create(lines, batch_size=2000)
    run.previous_run = previous


def _compute_run(run: PaymentRun, *, actor: User | None) -> PaymentRun:
    """Turn a queued run into a draft (the caller holds the program-year lock)."""
    calculator = run.calculator
    calculator.prepare(run, actor=actor)
    run.parameters = {
        **run.parameters,
        **calculator.parameters(program_year=run.program_year, kind=run.kind),
    }
    PaymentRun.objects.filter(
        program=run.program,
        program_year=run.program_year,
        kind=run.kind,
        status=PaymentRun.Status.DRAFT,
    ).exclude(pk=run.pk).update(status=PaymentRun.Status.SUPERSEDED)
    run.lines.all().delete()
    _write_lines(run)
    run.revision_id = latest_revision_id(program_year=run.program_year)
    run.inputs_digest = _inputs_digest(run)
    run.status = PaymentRun.Status.DRAFT
    run.computed_at = timezone.now()
    run.save()
    record_event(
        actor=actor,
        action="payment_run.computed",
        target=run,
        data={"lines": run.lines.count(), "revision_id": run.revision_id},
    )
    notices.run_awaiting_approval(run)
    return run


def _check_can_start(started_by: User | None) -> None:
    if started_by is not None and not (started_by.is_superuser or started_by.role in FINANCE_ROLES):
        raise NotAllowed("only finance users can start a payment run")


def _check_kind(program: str, kind: str) -> None:
    calculator = get_calculator(program)
    if kind not in dict(calculator.kinds):
        raise PaymentRunError(f"{calculator.title} has no '{kind}' payment run")


@transaction.atomic
def start_payment_run(
    *,
    program: str,
    program_year: int,
    kind: str,
    started_by: User | None,
    via: str = PaymentRun.Via.WEB,
) -> PaymentRun:
    """Compute a draft run now (the command line and the Celery task use this code)."""
    _check_can_start(started_by)
    _check_kind(program, kind)
    lock_program_year(program, program_year)
    parameters = get_calculator(program).parameters(program_year=program_year, kind=kind)
    run = PaymentRun.objects.create(
        program=program,
        program_year=program_year,
        kind=kind,
        parameters=parameters,
        started_by=started_by,
        via=via,
    )
    record_event(actor=started_by, action="payment_run.started", target=run)
    return _compute_run(run, actor=started_by)


@transaction.atomic
def request_payment_run(
    *,
    program: str,
    program_year: int,
    kind: str,
    started_by: User,
    post_when_computed: bool = False,
) -> PaymentRun:
    """Queue a run for the worker (web UI). A run already queued for the same program, year
    and kind, whose job is still alive, is returned instead of a second one."""
    _check_can_start(started_by)
    _check_kind(program, kind)
    lock_program_year(program, program_year)
    parameters = get_calculator(program).parameters(program_year=program_year, kind=kind)
    queued = (
        PaymentRun.objects.filter(
            program=program, program_year=program_year, kind=kind, status=PaymentRun.Status.QUEUED
        )
        .exclude(job__status=Job.Status.FAILED)
        .first()
    )
    if queued is not None:
        return queued
    run = PaymentRun.objects.create(
        program=program,
        program_year=program_year,
        kind=kind,
        parameters=parameters,
        started_by=started_by,
        post_when_computed=post_when_computed,
    )
    record_event(actor=started_by, action="payment_run.requested", target=run)
    run.job = enqueue_job(
        kind=PAYMENT_RUN_JOB,
        target=run,
        started_by=started_by,
        label=f"Payment run {program_year} {run.get_kind_display()}",
    )
    run.save(update_fields=["job"])
    return run


@transaction.atomic
def execute_payment_run(*, run_id: int, progress: Progress | None = None) -> PaymentRun:
    """The worker's entry point; safe to run twice (redelivery after a crash)."""
    run = PaymentRun.objects.get(pk=run_id)
    lock_program_year(run.program, run.program_year)
    run = PaymentRun.objects.select_for_update().get(pk=run_id)
    if run.status == PaymentRun.Status.QUEUED:
        if progress:
            progress("computing", 0.0)
        try:
            with transaction.atomic():
                run = _compute_run(run, actor=run.started_by)
        except PaymentRunError as exc:
            run.refresh_from_db()
            run.status = PaymentRun.Status.FAILED
            run.error = str(exc)
            run.save(update_fields=["status", "error"])
            return run
    if run.status == PaymentRun.Status.DRAFT and run.post_when_computed:
        if progress:
            progress("posting", 0.5)
        _post_run(run, posted_by=None)
    return run


# --- the job kind (declared by PaymentsConfig.job_kinds) ------------------------------------

PAYMENT_RUN_JOB = "payments.payment_run"


def _run_payment_run_job(job: Job, progress: Progress) -> str:
    run = execute_payment_run(run_id=int(job.target_id), progress=progress)
    if run.status == PaymentRun.Status.FAILED:
        raise JobRefused(run.error or "the run could not be computed")
    return f"run {run.pk}: {run.get_status_display().lower()}, {run.lines.count()} lines"


def _payment_run_failed(job: Job) -> None:
    PaymentRun.objects.filter(pk=job.target_id, status=PaymentRun.Status.QUEUED).update(
        status=PaymentRun.Status.FAILED, error=job.error
    )


def _payment_run_retried(job: Job) -> None:
    PaymentRun.objects.filter(pk=job.target_id, status=PaymentRun.Status.FAILED).update(
        status=PaymentRun.Status.QUEUED, error=""
    )


def _payment_run_url(job: Job) -> str:
    return reverse("payments:run_detail", args=[job.target_id])


PAYMENT_RUN_JOB_KIND = JobKind(
    key=PAYMENT_RUN_JOB,
    label="Payment run",
    run=_run_payment_run_job,
    target_url=_payment_run_url,
    on_failed=_payment_run_failed,
    on_retry=_payment_run_retried,
)


def _post_run(run: PaymentRun, *, posted_by: User | None) -> int:
    """Write one ledger entry per facility with a non-zero net; the run must be locked."""
    now = timezone.now()
    calculator = run.calculator
    sources = calculator.sources_at_posting(run)
    memo = calculator.memo(run)
    entries = [
        LedgerEntry(
            facility_id=line.facility_id,
            program=run.program,
            program_year=run.program_year,
            kind=(LedgerEntry.Kind.PAYMENT if line.net_amount > 0 else LedgerEntry.Kind.RECOUPMENT),
            amount=line.net_amount,
            run=run,
            payment_line=line,
            due_date=line.due_date,
            memo=memo,
            source_type=sources.get(line.facility_id, ("", ""))[0],
            source_id=sources.get(line.facility_id, ("", ""))[1],
            posted_at=now,
            posted_by=posted_by,
        )
        for line in run.lines.exclude(net_amount=0)
    ]
    LedgerEntry.objects.bulk_create(entries)
    run.status = PaymentRun.Status.POSTED
    run.approved_by = posted_by
    run.approved_at = run.posted_at = now
    run.save(update_fields=["status", "approved_by", "approved_at", "posted_at"])
    record_event(
        actor=posted_by,
        action="payment_run.posted",
        target=run,
        data={"ledger_entries": len(entries), "via": run.via},
    )
    notices.run_posted(run)
    return len(entries)


def _check_fresh(run: PaymentRun) -> None:
    if latest_revision_id(program_year=run.program_year) > run.revision_id:
        raise StaleRunError(
            f"run {run.pk}: inputs changed after the draft was made; start a new run"
        )
    if _inputs_digest(run) != run.inputs_digest:
        raise StaleRunError(
            f"run {run.pk}: the program's inputs or earlier payments changed after the draft "
            "was made; start a new run"
        )


@transaction.atomic
def approve_payment_run(*, run: PaymentRun, approver: User) -> PaymentRun:
    """Second person approves a draft; only then are ledger entries posted (once)."""
    if approver.role != Role.FINANCE_APPROVER:
        raise NotAllowed("only a finance approver can approve a payment run")
    lock_program_year(run.program, run.program_year)
    run = PaymentRun.objects.select_for_update().get(pk=run.pk)
    if run.started_by_id is not None and run.started_by_id == approver.pk:
        raise TwoPersonRuleError("the person who started a run cannot approve it")
    if run.status == PaymentRun.Status.POSTED:
        raise AlreadyPosted(f"run {run.pk} was already approved and posted")
    if run.status != PaymentRun.Status.DRAFT:
        raise PaymentRunError(f"run {run.pk} is {run.get_status_display().lower()}")
    _check_fresh(run)
    _post_run(run, posted_by=approver)
    return run


@dataclass(frozen=True)
class RunSummary:
    run: PaymentRun
    lines: int
    payable: int
    gross: Decimal
    net: Decimal
    entries: int

    def __str__(self) -> str:
        return (
            f"payment run {self.run.pk} ({self.run.program_year} {self.run.kind}): "
            f"{self.lines} facilities, {self.payable} payable, gross {self.gross}, "
            f"net {self.net}, {self.entries} ledger entries posted"
        )


@transaction.atomic
def run_and_post(*, program: str, program_year: int, kind: str) -> RunSummary:
    """The operator's tool: compute and post in one step, as the system (command line)."""
    run = start_payment_run(
        program=program,
        program_year=program_year,
        kind=kind,
        started_by=None,
        via=PaymentRun.Via.CLI,
    )
    run = PaymentRun.objects.select_for_update().get(pk=run.pk)
    entries = _post_run(run, posted_by=None)
    totals = run.lines.aggregate(gross=Sum("gross_amount"), net=Sum("net_amount"))
    return RunSummary(
        run=run,
        lines=run.lines.count(),
        payable=run.lines.filter(status=run.calculator.payable_status).count(),
        gross=totals["gross"] or ZERO,
        net=totals["net"] or ZERO,
        entries=entries,
    )


@transaction.atomic
def post_ledger_adjustment(
    *,
    facility: Organisation,
    program: str,
    program_year: int,
    amount: Decimal,
    memo: str,
    posted_by: User,
    source_type: str = "",
    source_id: str = "",
    due_date: datetime.date | None = None,
) -> LedgerEntry:
    """A correction outside a payment run (e.g. a dispute determination): a new entry, never an
    edit of an old one."""
    if posted_by.role != Role.FINANCE_APPROVER:
        raise NotAllowed("only a finance approver can post a ledger adjustment")
    if amount == 0:
        raise PaymentRunError("an adjustment of 0.00 changes nothing")
    entry = LedgerEntry.objects.create(
        facility=facility,
        program=program,
        program_year=program_year,
        kind=LedgerEntry.Kind.ADJUSTMENT,
        amount=round_money(amount),
        memo=memo[:250],
        source_type=source_type,
        source_id=source_id,
        due_date=due_date,
        posted_at=timezone.now(),
        posted_by=posted_by,
    )
    record_event(actor=posted_by, action="ledger.adjustment_posted", target=entry, reason=memo)
    return entry
