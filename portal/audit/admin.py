"""Django admin of the audit trail (read-only)."""

from auditlog.models import LogEntry
from django.contrib import admin

from portal.admin_base import ReadOnlyAdmin
from portal.models import (
    AccessLogEntry,
    AuditEvent,
)


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
