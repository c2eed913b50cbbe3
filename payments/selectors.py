"""Reads for payments, scoped by user: every query starts from visible_facilities."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet, Sum

from payments.models import Citation, LedgerEntry, PaymentLine, PaymentRun
from portal.models import Facility, User
from portal.models.accounts import FINANCE_ROLES
from portal.selectors import visible_facilities


def is_finance(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in FINANCE_ROLES)


def payment_runs_for(*, user: User) -> QuerySet[PaymentRun]:
    """Whole runs are plan-wide: finance users only."""
    if not is_finance(user):
        return PaymentRun.objects.none()
    return PaymentRun.objects.select_related("started_by", "approved_by", "exhibit").annotate(
        line_count=Count("lines"),
        gross_total=Sum("lines__gross_amount"),
        net_total=Sum("lines__net_amount"),
    )


def payment_lines_for(*, user: User) -> QuerySet[PaymentLine]:
    lines = PaymentLine.objects.filter(facility__in=visible_facilities(user=user))
    return lines.select_related("facility", "run")


def posted_lines_for(*, user: User, facility: Facility) -> QuerySet[PaymentLine]:
    return (
        payment_lines_for(user=user)
        .filter(facility=facility, run__status=PaymentRun.Status.POSTED)
        .order_by("-run__program_year", "run__posted_at")
    )


def ledger_entries_for(*, user: User) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(facility__in=visible_facilities(user=user)).select_related(
        "facility", "run", "posted_by"
    )


def ledger_balances(*, facilities: Iterable[Facility] | QuerySet[Facility]) -> QuerySet:  # type: ignore[type-arg]
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


def citations_for(*, user: User) -> QuerySet[Citation]:
    return Citation.objects.filter(facility__in=visible_facilities(user=user)).select_related(
        "facility"
    )
