"""Django admin for ECM QIP settings (the settings page does the same with checks)."""

from __future__ import annotations

from django.contrib import admin

from programs.ecm.models import MeasurementYear, ScoreBand, YearMeasure


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
