"""Django admin for disputes and cases: search and filters; changes go through the pages (and
their services), so most fields are read-only here."""

from __future__ import annotations

from django.contrib import admin

from disputes.models import (
    Determination,
    Dispute,
    DisputeAttachment,
    DisputeEvent,
    DisputeItem,
    Note,
    NoteRevision,
)
from portal.admin_base import private_file_fields, readonly_model_fields


class ItemInline(admin.TabularInline):
    model = DisputeItem
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "month", "member_id", "first_day", "last_day", "days", "outcome")
    fields = readonly_fields


class EventInline(admin.TabularInline):
    model = DisputeEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "action", "from_status", "to_status", "actor", "reason", "is_internal")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class NoteInline(admin.TabularInline):
    model = Note
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "author", "visibility", "body", "edited_at")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "facility",
        "program",
        "program_year",
        "dispute_type",
        "status",
        "level",
        "channel",
        "assignee",
        "received_on",
        "decision_due",
        "is_regulatory_breach",
    ]
    list_filter = [
        "status",
        "dispute_type",
        "level",
        "channel",
        "is_regulatory_breach",
        "program",
        "program_year",
        ("assignee", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["id", "facility__name", "facility__npi", "explanation", "contact_email"]
    date_hierarchy = "received_at"
    list_select_related = ["facility", "assignee"]
    raw_id_fields = ["facility", "payment_run", "ledger_entry", "parent", "filed_by"]
    readonly_fields = [
        "status",
        "filing_deadline",
        "received_at",
        "received_on",
        "ack_due",
        "acknowledged_at",
        "returned_at",
        "amend_due",
        "decision_due",
        "second_level_due",
        "escalated_at",
        "is_regulatory_breach",
        "created_at",
        "updated_at",
    ]
    inlines = [ItemInline, NoteInline, EventInline]


@admin.register(Determination)
class DeterminationAdmin(admin.ModelAdmin):
    list_display = [
        "dispute",
        "outcome",
        "amount",
        "adjustment_quantity",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["outcome"]
    search_fields = ["dispute__id", "dispute__facility__name", "dispute__facility__npi"]
    readonly_fields = readonly_model_fields(Determination)
    exclude = private_file_fields(Determination)  # the letter: no URL, see portal.admin_base

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(DisputeEvent)
class DisputeEventAdmin(admin.ModelAdmin):
    list_display = ["at", "dispute", "action", "from_status", "to_status", "actor", "is_internal"]
    list_filter = ["action", "is_internal"]
    search_fields = ["dispute__id", "dispute__facility__name", "reason"]
    readonly_fields = [f.name for f in DisputeEvent._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["dispute", "visibility", "author", "created_at", "edited_at"]
    list_filter = ["visibility"]
    search_fields = ["dispute__id", "body", "dispute__facility__name"]
    readonly_fields = ["dispute", "author", "created_at", "edited_at", "visibility", "body"]


@admin.register(NoteRevision)
class NoteRevisionAdmin(admin.ModelAdmin):
    list_display = ["note", "edited_by", "edited_at"]
    readonly_fields = ["note", "body", "edited_by", "edited_at"]


@admin.register(DisputeAttachment)
class DisputeAttachmentAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "dispute",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    ]
    search_fields = ["original_name", "dispute__id", "sha256"]
    readonly_fields = readonly_model_fields(DisputeAttachment)
    exclude = private_file_fields(DisputeAttachment)  # the file: no URL, see portal.admin_base
