from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from portal.holiday_services import delete_holiday, save_plan_closure_day
from portal.models import (
    AccessLogEntry,
    AuditEvent,
    Facility,
    FacilityMembership,
    Holiday,
    LiaisonAssignment,
    OptIn,
    OptInExtension,
    OptInTransition,
    OptInVersion,
    ProgramYear,
    User,
)


class MembershipInline(admin.TabularInline):
    model = FacilityMembership
    extra = 0
    autocomplete_fields = ["facility"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "role")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "role", "password1", "password2"),
            },
        ),
    )


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "npi",
        "hcai_id",
        "cdph_facid",
        "facility_type",
        "licensed_beds",
        "stp_beds",
        "county",
        "is_wqip_eligible",
    ]
    list_filter = ["facility_type", "is_wqip_eligible", "county"]
    search_fields = ["name", "npi", "hcai_id", "cdph_facid"]
    readonly_fields = ["is_wqip_eligible", "created_at", "updated_at"]


@admin.register(ProgramYear)
class ProgramYearAdmin(admin.ModelAdmin):
    list_display = ["label", "year", "opt_in_opens_on", "opt_in_closes_on"]


@admin.register(OptIn)
class OptInAdmin(admin.ModelAdmin):
    list_display = ["facility", "program_year", "status", "source", "updated_at"]
    list_filter = ["program_year", "status", "source"]
    search_fields = ["facility__name", "facility__npi"]
    autocomplete_fields = ["facility"]


@admin.register(LiaisonAssignment)
class LiaisonAssignmentAdmin(admin.ModelAdmin):
    list_display = ["facility", "liaison", "assigned_at"]
    autocomplete_fields = ["facility"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "target_repr", "reason"]
    list_filter = ["action"]
    search_fields = ["action", "target_repr", "reason", "actor__email"]
    date_hierarchy = "at"


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "facility", "what", "row_count", "masked"]
    list_filter = ["masked", "what"]
    search_fields = ["user__email", "facility__name", "what"]
    date_hierarchy = "at"


# django-auditlog's admin searches actor__first_name/last_name, which our User has not
_auditlog_model = LogEntry
_auditlog_admin = admin.site._registry.get(_auditlog_model)
if _auditlog_admin is not None:
    admin.site.unregister(_auditlog_model)

    @admin.register(_auditlog_model)
    class AuditlogEntryAdmin(type(_auditlog_admin)):  # type: ignore[misc]
        search_fields = [
            "timestamp",
            "object_repr",
            "changes",
            "actor__email",
            "actor__full_name",
        ]


class OptInVersionInline(admin.StackedInline):
    model = OptInVersion
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["number", "status", "payee_legal_name", "payee_tin", "signer_name", "submitted_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class OptInTransitionInline(admin.TabularInline):
    model = OptInTransition
    extra = 0
    can_delete = False
    fields = ["at", "version", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


OptInAdmin.inlines = [OptInVersionInline, OptInTransitionInline]
OptInAdmin.readonly_fields = ["status", "source", "submitted_at", "reviewed_at", "reviewed_by"]


@admin.register(OptInExtension)
class OptInExtensionAdmin(ReadOnlyAdmin):
    list_display = ["facility", "program_year", "closes_on", "granted_by", "granted_at"]
    list_filter = ["program_year"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """State holidays are seeded (`seed_holidays --year`); admins add plan closure days."""

    list_display = ["date", "name", "source", "added_by"]
    list_filter = ["source"]
    date_hierarchy = "date"
    fields = ["date", "name", "source"]

    def get_changeform_initial_data(self, request):  # type: ignore[no-untyped-def]
        return {"source": Holiday.Source.CLOSURE}

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        save_plan_closure_day(holiday=obj, actor=request.user)

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        delete_holiday(holiday=obj, actor=request.user)

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        for holiday in queryset:
            delete_holiday(holiday=holiday, actor=request.user)


import portal.notifications.admin  # noqa: E402, F401  (registers the notification admin pages)
