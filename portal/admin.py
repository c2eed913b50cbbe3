"""Django admin of the core: each core package registers its own models in its ``admin``
module; Django's autodiscovery imports this one for the ``portal`` app."""

from portal.accounts import admin as accounts_admin
from portal.audit import admin as audit_admin
from portal.calendar import admin as calendar_admin
from portal.notifications import admin as notifications_admin
from portal.registry import admin as registry_admin

__all__ = [
    "accounts_admin",
    "audit_admin",
    "calendar_admin",
    "notifications_admin",
    "registry_admin",
]
