from portal.models.accounts import FacilityMembership, LiaisonAssignment, Role, User
from portal.models.audit import AccessLogEntry, AuditEvent, DataRevision
from portal.models.facilities import Facility, FacilityType
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
    "DataRevision",
    "Facility",
    "FacilityMembership",
    "FacilityType",
    "LiaisonAssignment",
    "OptIn",
    "OptInDocument",
    "OptInExtension",
    "OptInReportContact",
    "OptInTransition",
    "OptInVersion",
    "ProgramYear",
    "Role",
    "User",
]
