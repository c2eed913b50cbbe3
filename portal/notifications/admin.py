"""Admin pages of the notification engine: upcoming, sent and failed reminders (with retry),
inbox rows and the e-mail outbox. Rows change only through services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.utils import timezone

from portal.accounts.http import AuthenticatedRequest
from portal.models import Notice, OutboundEmail, ScheduledNotice
from portal.notifications.services import (
    cancel_scheduled_notices_by_id,
    retry_scheduled_notices,
)


class DueFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return [
            ("upcoming", "Upcoming (pending, not due yet)"),
            ("due", "Due now (pending)"),
            ("sent", "Sent"),
            ("failed", "Failed or retrying"),
        ]

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        now = timezone.now()
        pending = queryset.filter(state=ScheduledNotice.State.PENDING)
        if self.value() == "upcoming":
            return pending.filter(due_at__gt=now)
        if self.value() == "due":
            return pending.filter(due_at__lte=now)
        if self.value() == "sent":
            return queryset.filter(state=ScheduledNotice.State.SENT)
        if self.value() == "failed":
            return queryset.filter(state=ScheduledNotice.State.FAILED) | pending.filter(
                attempts__gt=0
            )
        return queryset


class ReadOnlyModelAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ScheduledNotice)
class ScheduledNoticeAdmin(ReadOnlyModelAdmin):
    list_display = [
        "due_at",
        "kind",
        "subject_type",
        "subject_id",
        "facility",
        "state",
        "attempts",
        "recipient_count",
        "sent_at",
        "short_error",
    ]
    list_filter = [DueFilter, "state", "kind"]
    search_fields = ["kind", "facility__name", "facility__npi", "last_error"]
    date_hierarchy = "due_at"
    list_select_related = ["facility", "subject_type"]
    actions = ["retry", "cancel"]

    @admin.display(description="last error")
    def short_error(self, obj: ScheduledNotice) -> str:
        return obj.last_error[:80]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return request.user.is_superuser or request.user.has_perm("portal.change_schedulednotice")

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [field.name for field in self.model._meta.fields]

    @admin.action(description="Retry the selected reminders (failed or cancelled)")
    def retry(self, request: AuthenticatedRequest, queryset: QuerySet[ScheduledNotice]) -> None:
        count = retry_scheduled_notices(
            ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        self.message_user(request, f"{count} reminder(s) will be sent by the next sweep.")

    @admin.action(description="Cancel the selected pending reminders")
    def cancel(self, request: AuthenticatedRequest, queryset: QuerySet[ScheduledNotice]) -> None:
        count = cancel_scheduled_notices_by_id(
            ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        self.message_user(request, f"{count} reminder(s) cancelled.", messages.SUCCESS)


@admin.register(Notice)
class NoticeAdmin(ReadOnlyModelAdmin):
    list_display = ["created_at", "user", "kind", "title", "facility", "read_at"]
    list_filter = ["kind"]
    search_fields = ["user__email", "title"]
    date_hierarchy = "created_at"
    list_select_related = ["user", "facility"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyModelAdmin):
    list_display = ["created_at", "to", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state"]
    search_fields = ["to", "subject", "message_id"]
    date_hierarchy = "created_at"
