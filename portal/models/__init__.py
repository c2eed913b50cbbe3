from portal.models.accounts import FacilityMembership, LiaisonAssignment, Role, User
from portal.models.audit import AccessLogEntry, AuditEvent, DataRevision
from portal.models.calendar import Holiday
from portal.models.facilities import Facility, FacilityType
from portal.models.program import OptIn, ProgramYear

__all__ = [
    "AccessLogEntry",
    "AuditEvent",
    "DataRevision",
    "Facility",
    "FacilityMembership",
    "FacilityType",
    "Holiday",
    "LiaisonAssignment",
    "OptIn",
    "ProgramYear",
    "Role",
    "User",
]
