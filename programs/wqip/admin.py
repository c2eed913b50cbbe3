"""Django admin of WQIP program years, opt-ins, claims inputs."""

from django.contrib import admin

from portal.admin_base import ReadOnlyAdmin
from programs.wqip.models import (
    BedDayAdjustment,
    Citation,
    OptIn,
    OptInExtension,
    OptInTransition,
    OptInVersion,
    PerDiem,
    PerDiemExhibit,
    ProgramYear,
)


@admin.register(ProgramYear)
class ProgramYearAdmin(admin.ModelAdmin):
    list_display = ["label", "year", "opt_in_opens_on", "opt_in_closes_on"]


@admin.register(OptIn)
class OptInAdmin(admin.ModelAdmin):
    list_display = ["facility", "program_year", "status", "source", "updated_at"]
    list_filter = ["program_year", "status", "source"]
    search_fields = ["facility__name", "facility__npi"]
    autocomplete_fields = ["facility"]


class OptInVersionInline(admin.StackedInline):
    model = OptInVersion
    extra = 0
    can_delete = False
    show_change_link = True
    readonly_fields = (
        "number",
        "status",
        "payee_legal_name",
        "payee_tin",
        "signer_name",
        "submitted_at",
    )
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class OptInTransitionInline(admin.TabularInline):
    model = OptInTransition
    extra = 0
    can_delete = False
    readonly_fields = ("at", "version", "from_status", "to_status", "actor", "reason")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


OptInAdmin.inlines = [OptInVersionInline, OptInTransitionInline]
OptInAdmin.readonly_fields = ["status", "source", "submitted_at", "reviewed_at", "reviewed_by"]


@admin.register(OptInExtension)
class OptInExtensionAdmin(ReadOnlyAdmin):
    list_display = ["facility", "program_year", "closes_on", "granted_by", "granted_at"]
    list_filter = ["program_year"]


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
