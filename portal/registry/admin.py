"""Django admin of the registry."""

from django.contrib import admin

from portal.models import (
    Facility,
    LiaisonAssignment,
    Organisation,
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Every provider organisation; a SNF's own fields are edited under Facilities."""

    list_display = ["name", "kind", "npi", "tin", "county", "is_active"]
    list_filter = ["kind", "is_active", "county"]
    search_fields = ["name", "npi", "tin"]
    readonly_fields = ["created_at", "updated_at"]


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
    readonly_fields = ["kind", "is_wqip_eligible", "created_at", "updated_at"]


@admin.register(LiaisonAssignment)
class LiaisonAssignmentAdmin(admin.ModelAdmin):
    list_display = ["facility", "liaison", "assigned_at"]
    autocomplete_fields = ["facility"]
