"""Django admin of IPP: program years (the PY1 split is checked as it is saved), submissions
with their measure catalogue, corrective action plans; applications, published
documents and feedback are read-only here (their pages write them, with who, when and why)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction

from portal.admin_base import ReadOnlyAdmin, private_file_fields
from portal.audit.services import record_event
from programs.ipp import engine
from programs.ipp.models import (
    IppApplication,
    IppCap,
    IppCapItem,
    IppFeedback,
    IppMeasure,
    IppProgramYear,
    IppPublicDocument,
    IppSubmission,
)


class ProgramYearForm(forms.ModelForm):
    class Meta:
        model = IppProgramYear
        fields = [
            "number",
            "label",
            "starts_on",
            "ends_on",
            "has_community_supports",
            "gap_filling_areas",
            "share_area_1",
            "share_area_2",
            "share_area_3",
            "share_area_4",
            "plan_class",
            "attributable_capitation",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("number") == 1:
            errors = engine.check_py1_split(
                shares={
                    area: data.get(f"share_area_{area}") or Decimal(0) for area in engine.AREAS
                },
                gap_filling_areas=data.get("gap_filling_areas") or [],
                has_community_supports=bool(data.get("has_community_supports")),
            )
            if errors:
                raise forms.ValidationError([f"PY1 split refused: {e}" for e in errors])
        return data


class _Audited(admin.ModelAdmin):
    action_prefix = "ipp"

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record_event(
                actor=request.user,
                action=f"ipp.{obj._meta.model_name}.{'changed' if change else 'added'}",
                target=obj,
                data={name: str(form.cleaned_data.get(name)) for name in form.changed_data},
            )

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(IppProgramYear)
class IppProgramYearAdmin(_Audited):
    form = ProgramYearForm
    list_display = ["number", "label", "starts_on", "ends_on", "has_community_supports"]


class MeasureInline(admin.TabularInline):
    model = IppMeasure
    extra = 0
    fields = [
        "code",
        "priority_area",
        "domain",
        "name",
        "mandatory",
        "kind",
        "points",
        "applicable",
    ]


@admin.register(IppSubmission)
class IppSubmissionAdmin(_Audited):
    list_display = ["program_year", "code", "payment_number", "max_allocation", "is_interim"]
    list_filter = ["program_year"]
    readonly_fields = ["results_recorded_at", "results_recorded_by"]
    inlines = [MeasureInline]


@admin.register(IppMeasure)
class IppMeasureAdmin(_Audited):
    list_display = ["code", "submission", "priority_area", "domain", "kind", "points", "applicable"]
    list_filter = ["submission__program_year", "priority_area", "kind", "applicable"]
    search_fields = ["code", "name"]


class CapItemInline(admin.TabularInline):
    model = IppCapItem
    extra = 0


@admin.register(IppCap)
class IppCapAdmin(_Audited):
    list_display = ["title", "program_year", "opened_on", "closed_on"]
    inlines = [CapItemInline]


@admin.register(IppApplication)
class IppApplicationAdmin(ReadOnlyAdmin):
    list_display = ["pk", "organisation", "program_year", "title", "status", "awarded_amount"]
    list_filter = ["status", "program_year"]


@admin.register(IppPublicDocument)
class IppPublicDocumentAdmin(ReadOnlyAdmin):
    list_display = ["county", "program_year", "kind", "dhcs_approved_on", "original_name"]
    exclude = private_file_fields(IppPublicDocument)


@admin.register(IppFeedback)
class IppFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "name", "county", "answered_at"]
    exclude = ["address_hash"]
