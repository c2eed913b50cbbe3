"""Django admin for ECM QIP settings (the settings page does the same with checks)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from programs.ecm.models import MeasurementYear, ReimbursementBase, ScoreBand, YearMeasure


class YearMeasureInline(admin.TabularInline):
    model = YearMeasure
    extra = 0


class ScoreBandInline(admin.TabularInline):
    model = ScoreBand
    extra = 0


@admin.register(MeasurementYear)
class MeasurementYearAdmin(admin.ModelAdmin):
    list_display = ("year", "scoring_model", "score_mapping", "due_day", "due_in_working_days")
    inlines = (YearMeasureInline, ScoreBandInline)
    readonly_fields = ("updated_at", "updated_by")


@admin.register(ReimbursementBase)
class ReimbursementBaseAdmin(admin.ModelAdmin):
    """Imported (import_ecm_reimbursements): read-only here."""

    list_display = ("provider", "measurement_year", "amount", "imported_at")
    list_filter = ("measurement_year",)
    readonly_fields = ("provider", "measurement_year", "amount", "imported_at", "imported_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
