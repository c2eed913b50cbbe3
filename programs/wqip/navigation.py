"""WQIP's items in the top bar: the "WQIP" menu (portal.navigation collects them from
WqipConfig.nav)."""

from __future__ import annotations

from portal.accounts.models import (
    FINANCE_ROLES,
    Role,
)
from portal.models import User
from portal.programs import NavItem


def wqip_nav_items(user: User) -> list[NavItem]:
    items = []
    if user.is_facility_user:
        items.append(NavItem("Opt-ins", "wqip:opt_in_list", prefix="/opt-ins/"))
    if user.role in (Role.LTSS_LIAISON, Role.PROGRAM_ADMIN):
        items.append(NavItem("Opt-in reviews", "wqip:opt_in_queue", prefix="/opt-ins/review/"))
    items.append(NavItem("Bed days", "wqip:bed_day_report", prefix="/payments/bed-days/"))
    if user.is_superuser or user.role in FINANCE_ROLES:
        items.append(NavItem("Imports", "wqip:claim_upload", prefix="/payments/claims/"))
    items.append(NavItem("Program years", "wqip:program_year_list", prefix="/program-years/"))
    return items
