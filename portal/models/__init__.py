from portal.models.accounts import FacilityMembership, LiaisonAssignment, Role, User
from portal.models.audit import AccessLogEntry, AuditEvent, DataRevision
from portal.models.calendar import Holiday
from portal.models.facilities import Facility, FacilityType
from portal.models.notifications import (
    Channel,
    Notice,
    NoticePreference,
    OutboundEmail,
    ScheduledNotice,
)
from portal.models.opt_in import (
    OptInDocument,
    OptInExtension,
    OptInReportContact,
    OptInTransition,
    OptInVersion,
)
from portal.models.program import OptIn, ProgramYear

__all__ = [
    "AccessLogEntry",
    "AuditEvent",
    "Channel",
    "DataRevision",
    "Facility",
    "FacilityMembership",
    "FacilityType",
    "Holiday",
    "LiaisonAssignment",
    "Notice",
    "NoticePreference",
    "OptIn",
    "OptInDocument",
    "OptInExtension",
    "OptInReportContact",
    "OptInTransition",
    "OptInVersion",
    "OutboundEmail",
    "ProgramYear",
    "Role",
    "ScheduledNotice",
    "User",
]
