"""Reads for payments, scoped by user: every query starts from visible_organisations."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import BigIntegerField, Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from payments.models import (
    LedgerEntry,
    PaymentLine,
    PaymentRun,
    StateTransfer,
)
from payments.models.ledger import STATE_KINDS
from portal.accounts.models import Role
from portal.accounts.permissions import is_finance
from portal.models import Organisation, User
from portal.money import ZERO
from portal.registry.selectors import visible_organisations


def payment_runs_for(*, user: User) -> QuerySet[PaymentRun]:
    """Whole runs are plan-wide: finance users only."""
    if not is_finance(user):
        return PaymentRun.objects.none()
    return PaymentRun.objects.select_related("started_by", "approved_by").annotate(
        line_count=Count("lines"),
        gross_total=Sum("lines__gross_amount"),
        net_total=Sum("lines__net_amount"),
    )


def payment_lines_for(*, user: User) -> QuerySet[PaymentLine]:
    lines = PaymentLine.objects.filter(facility__in=visible_organisations(user=user))
    return lines.select_related("facility", "run")


RUN_LINE_SORTS = {
    "npi": ("facility__npi",),
    "name": ("facility__name", "facility__npi"),
    "-name": ("-facility__name", "facility__npi"),
    "-net": ("-net_amount", "facility__npi"),
    "net": ("net_amount", "facility__npi"),
    "-gross": ("-gross_amount", "facility__npi"),
}


def search_run_lines(
    *, user: User, run: PaymentRun, query: str = "", sort: str = "npi"
) -> QuerySet[PaymentLine]:
    """A run's lines of visible facilities, by facility name or NPI, sorted."""
    lines = payment_lines_for(user=user).filter(run=run)
    if query:
        lines = lines.filter(
            Q(facility__name__icontains=query) | Q(facility__npi__startswith=query)
        )
    return lines.order_by(*RUN_LINE_SORTS.get(sort, RUN_LINE_SORTS["npi"]))


def run_line_totals(lines: QuerySet[PaymentLine], *, run: PaymentRun) -> dict[str, Any]:
    """Amounts (and the program's summed figures) over all the lines, not only the page shown:
    one query. ``cells`` line up with the program's table columns."""
    columns = run.calculator.table_columns()
    summed = {
        f"column_{c.key}": Sum(Cast(KeyTextTransform(c.key, "details"), BigIntegerField()))
        for c in columns
        if c.total
    }
    totals = lines.order_by().aggregate(
        gross=Sum("gross_amount"),
        previously_paid=Sum("previously_paid"),
        net=Sum("net_amount"),
        **summed,
    )
    totals["cells"] = [
        {
            "numeric": c.kind != "text",
            "text": str(totals.get(f"column_{c.key}") or 0) if c.total else "",
        }
        for c in columns
    ]
    return totals


def posted_lines_for(*, user: User, facility: Organisation) -> QuerySet[PaymentLine]:
    return (
        payment_lines_for(user=user)
        .filter(facility=facility, run__status=PaymentRun.Status.POSTED)
        .order_by("-run__program_year", "run__posted_at")
    )


def ledger_entries_for(*, user: User) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(facility__in=visible_organisations(user=user)).select_related(
        "facility", "run", "posted_by"
    )


def ledger_balances(*, facilities: Iterable[Organisation] | QuerySet[Organisation]) -> QuerySet:  # type: ignore[type-arg]
    return (
        LedgerEntry.objects.filter(facility__in=facilities)
        .values("facility_id", "facility__npi", "facility__name", "program_year")
        .annotate(
            balance=Sum("amount"),
            paid=Sum("amount", filter=Q(amount__gt=0)),
            recouped=Sum("amount", filter=Q(amount__lt=0)),
            entries=Count("id"),
        )
        .order_by("facility__name", "facility_id", "program_year")
    )


LEDGER_SORTS = {
    "name": ("facility__name", "facility_id", "program_year"),
    "-name": ("-facility__name", "facility_id", "program_year"),
    "npi": ("facility__npi", "program_year"),
    "-balance": ("-balance", "facility__npi", "program_year"),
    "balance": ("balance", "facility__npi", "program_year"),
}


def _facilities_matching(*, user: User, query: str) -> QuerySet[Organisation]:
    facilities = visible_organisations(user=user)
    if query:
        facilities = facilities.filter(Q(name__icontains=query) | Q(npi__startswith=query))
    return facilities


def search_ledger_balances(*, user: User, query: str = "", sort: str = "name") -> QuerySet:  # type: ignore[type-arg]
    """Balances per visible facility and program year, by facility name or NPI, sorted."""
    balances = ledger_balances(facilities=_facilities_matching(user=user, query=query))
    return balances.order_by(*LEDGER_SORTS.get(sort, LEDGER_SORTS["name"]))


def ledger_totals(*, user: User, query: str = "") -> dict[str, Any]:
    """Paid, recouped, balance and entries over all the matching balances (not only the page
    shown): one query."""
    return LedgerEntry.objects.filter(
        facility__in=_facilities_matching(user=user, query=query)
    ).aggregate(
        balance=Sum("amount"),
        paid=Sum("amount", filter=Q(amount__gt=0)),
        recouped=Sum("amount", filter=Q(amount__lt=0)),
        entries=Count("id"),
    )


# --- home page (payments.home) -------------------------------------------------------------


def runs_awaiting_approval_by(*, user: User) -> QuerySet[PaymentRun]:
    """Drafts this finance approver may approve: not the ones they started (two-person
    rule); oldest first."""
    if user.role != Role.FINANCE_APPROVER:
        return PaymentRun.objects.none()
    drafts = PaymentRun.objects.filter(status=PaymentRun.Status.DRAFT).exclude(started_by=user)
    return drafts.order_by("created_at", "pk")


def runs_in_progress_for(*, user: User) -> QuerySet[PaymentRun]:
    """Finance users' runs still on the way: queued, drafts (but those the user may approve,
    see ``runs_awaiting_approval_by``) and failed runs no newer run of the same program, year
    and kind has replaced; newest first."""
    if not is_finance(user):
        return PaymentRun.objects.none()
    newer = PaymentRun.objects.filter(
        program=OuterRef("program"),
        program_year=OuterRef("program_year"),
        kind=OuterRef("kind"),
        pk__gt=OuterRef("pk"),
    )
    runs = PaymentRun.objects.annotate(replaced=Exists(newer)).filter(
        Q(status__in=[PaymentRun.Status.QUEUED, PaymentRun.Status.DRAFT])
        | Q(status=PaymentRun.Status.FAILED, replaced=False)
    )
    if user.role == Role.FINANCE_APPROVER:
        runs = runs.exclude(pk__in=runs_awaiting_approval_by(user=user).values("pk"))
    return runs.order_by("-pk")


def latest_payment_lines(*, user: User) -> list[PaymentLine]:
    """Each visible facility's most recently posted payment line, by facility name."""
    lines = (
        payment_lines_for(user=user)
        .filter(run__status=PaymentRun.Status.POSTED)
        .order_by("facility_id", "-run__posted_at", "-pk")
        .distinct("facility_id")
    )
    return sorted(lines, key=lambda line: (line.facility.name, line.facility_id))


# --- the plan's own account with the state (payments.state_account) ---------------------


def state_entries(*, program: str, program_year: int | None = None) -> QuerySet[LedgerEntry]:
    entries = LedgerEntry.objects.filter(program=program, facility__isnull=True)
    if program_year is not None:
        entries = entries.filter(program_year=program_year)
    return entries.select_related("posted_by")


def pending_transfers(*, program: str, program_year: int | None = None) -> QuerySet[StateTransfer]:
    transfers = StateTransfer.objects.filter(program=program, status=StateTransfer.Status.PENDING)
    if program_year is not None:
        transfers = transfers.filter(program_year=program_year)
    return transfers.select_related("requested_by")


def program_year_balance(*, program: str, program_year: int) -> dict[str, Decimal]:
    """One balance per program and year, one query: received from the state, gone back to it,
    paid to providers, and what the plan still holds."""
    totals = LedgerEntry.objects.filter(program=program, program_year=program_year).aggregate(
        received=Sum("amount", filter=Q(kind=LedgerEntry.Kind.STATE_RECEIPT)),
        gone_back=Sum("amount", filter=Q(kind__in=STATE_KINDS) & Q(amount__lt=0)),
        to_providers=Sum("amount", filter=Q(facility__isnull=False)),
    )
    received = totals["received"] or ZERO
    gone_back = -(totals["gone_back"] or ZERO) + ZERO
    to_providers = totals["to_providers"] or ZERO
    return {
        "received": received,
        "gone_back": gone_back,
        "state_net": received - gone_back,
        "to_providers": to_providers,
        "balance": received - gone_back - to_providers,
    }
