"""Django admin of the QAF: the rate table (editable; an approval date produces the
adjustments), who pays (history: rows are added, never changed), declarations, payments and
adjustments (read-only: facilities enter them on their pages)."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.utils import timezone

from portal.admin_base import ReadOnlyAdmin
from portal.audit.services import record_event
from programs.qaf.models import (
    QafDeclaration,
    QafParticipation,
    QafPayment,
    QafRateAdjustment,
    QafRateYear,
)
from programs.qaf.services.rates import apply_rate_approval


@admin.register(QafRateYear)
class QafRateYearAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "starts_on",
        "ends_on",
        "rate_under_100k",
        "rate_over_100k",
        "cms_approved_on",
    ]
    search_fields = ["label"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # declarations point at it

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record_event(
                actor=request.user,
                action="qaf.rate_year.changed" if change else "qaf.rate_year.added",
                target=obj,
                data={name: str(form.cleaned_data.get(name)) for name in form.changed_data},
            )
            apply_rate_approval(rate_year=obj, actor=request.user)


@admin.register(QafParticipation)
class QafParticipationAdmin(admin.ModelAdmin):
    list_display = ["facility", "pays_fee", "exemption_reason", "effective_on", "set_by", "set_at"]
    list_filter = ["pays_fee", "exemption_reason"]
    search_fields = ["facility__name", "facility__npi"]
    autocomplete_fields = ["facility"]
    fields = ["facility", "pays_fee", "exemption_reason", "note", "effective_on"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return obj is None  # history: a new decision is a new row

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.set_by = request.user
        obj.set_at = timezone.now()
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record_event(
                actor=request.user,
                action="qaf.participation.set",
                target=obj.facility,
                reason=obj.note,
                data={"pays_fee": obj.pays_fee, "exemption_reason": obj.exemption_reason},
            )


@admin.register(QafDeclaration)
class QafDeclarationAdmin(ReadOnlyAdmin):
    list_display = ["facility", "month", "taxable_days", "tier", "rate", "fee", "due_on"]
    list_filter = ["month", "tier", "rate_is_final"]
    search_fields = ["facility__name", "facility__npi"]


@admin.register(QafPayment)
class QafPaymentAdmin(ReadOnlyAdmin):
    list_display = ["declaration", "paid_on", "amount", "method", "reference"]
    search_fields = ["reference", "declaration__facility__name"]


@admin.register(QafRateAdjustment)
class QafRateAdjustmentAdmin(ReadOnlyAdmin):
    list_display = ["declaration", "rate_year", "old_rate", "new_rate", "days", "amount", "due_on"]
