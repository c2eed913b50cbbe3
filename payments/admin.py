from django.contrib import admin

from payments.models import (
    LedgerEntry,
    PaymentLine,
    PaymentRun,
    StateTransfer,
)
from portal.admin_base import ReadOnlyAdmin


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "posted_at",
        "facility",
        "program",
        "program_year",
        "kind",
        "amount",
        "run",
        "due_date",
    )
    list_filter = ("program", "program_year", "kind")
    search_fields = ("facility__npi", "facility__name")


@admin.register(StateTransfer)
class StateTransferAdmin(ReadOnlyAdmin):
    list_display = (
        "requested_at",
        "program",
        "program_year",
        "kind",
        "amount",
        "status",
        "requested_by",
        "decided_by",
    )
    list_filter = ("program", "program_year", "kind", "status")


@admin.register(PaymentRun)
class PaymentRunAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "program",
        "program_year",
        "kind",
        "status",
        "started_by",
        "approved_by",
    )
    list_filter = ("program", "program_year", "kind", "status")


@admin.register(PaymentLine)
class PaymentLineAdmin(ReadOnlyAdmin):
    list_display = (
        "run",
        "facility",
        "status",
        "gross_amount",
        "net_amount",
    )
    list_filter = ("run__program", "run__program_year", "status")
