"""Django admin of the registry."""

from django.contrib import admin

from portal.models import (
    Facility,
    LiaisonAssignment,
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


@admin.register(LiaisonAssignment)
class LiaisonAssignmentAdmin(admin.ModelAdmin):
    list_display = ["facility", "liaison", "assigned_at"]
    autocomplete_fields = ["facility"]
