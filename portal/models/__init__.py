"""Every model of the core, for Django's app registry and for short imports. Each lives in
its package: accounts, registry, audit, calendar, notifications (files has an abstract one)."""

from portal.accounts.models import LiaisonAssignment, OrganisationMembership, Role, User
from portal.audit.models import AccessLogEntry, AuditEvent, DataRevision
from portal.calendar.models import Holiday
from portal.jobs.models import Job
from portal.notifications.models import (
    Channel,
    Notice,
    NoticePreference,
    OutboundEmail,
    ScheduledNotice,
)
from portal.registry.models import Facility, FacilityType, Organisation, OrganisationKind
from portal.registry.state_models import (
    FetchedStateFile,
    RegistryImport,
    StateFileAddress,
    StateSource,
)

__all__ = [
    "AccessLogEntry",
    "AuditEvent",
    "Channel",
    "DataRevision",
    "Facility",
    "FacilityType",
    "FetchedStateFile",
    "Holiday",
    "Job",
    "LiaisonAssignment",
    "Notice",
    "NoticePreference",
    "Organisation",
    "OrganisationKind",
    "OrganisationMembership",
    "OutboundEmail",
    "RegistryImport",
    "Role",
    "ScheduledNotice",
    "StateFileAddress",
    "StateSource",
    "User",
]
