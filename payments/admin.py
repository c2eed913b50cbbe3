from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from payments.models import (
    BedDayAdjustment,
    Citation,
    LedgerEntry,
    PaymentLine,
    PaymentRun,
    PerDiem,
    PerDiemExhibit,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Inputs change through imports and services (audited), never by hand in the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("posted_at", "facility", "program_year", "kind", "amount", "run", "due_date")
    list_filter = ("program_year", "kind")
    search_fields = ("facility__npi", "facility__name")


@admin.register(PaymentRun)
class PaymentRunAdmin(ReadOnlyAdmin):
    list_display = ("pk", "program_year", "exhibit_kind", "status", "started_by", "approved_by")
    list_filter = ("program_year", "exhibit_kind", "status")


@admin.register(PaymentLine)
class PaymentLineAdmin(ReadOnlyAdmin):
    list_display = (
        "run",
        "facility",
        "status",
        "qualifying_bed_days",
        "gross_amount",
        "net_amount",
    )
    list_filter = ("run__program_year", "status")


@admin.register(Citation)
class CitationAdmin(ReadOnlyAdmin):
    list_display = ("penalty_number", "facid", "facility", "violation_from_date", "class_final")
    search_fields = ("penalty_number", "facid", "facility__name")


@admin.register(PerDiemExhibit)
class PerDiemExhibitAdmin(ReadOnlyAdmin):
    list_display = ("program_year", "kind", "received_on", "imported_at")


@admin.register(PerDiem)
class PerDiemAdmin(ReadOnlyAdmin):
    list_display = ("exhibit", "facility", "per_diem")


@admin.register(BedDayAdjustment)
class BedDayAdjustmentAdmin(ReadOnlyAdmin):
    list_display = ("facility", "program_year", "days", "approved_at", "source_type", "source_id")
