"""Django admin of holidays and plan closure days."""

from django.contrib import admin

from portal.calendar.services import (
    delete_holiday,
    save_plan_closure_day,
)
from portal.models import (
    Holiday,
)


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
