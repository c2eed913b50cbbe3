"""The payments app's items in the top bar: the "Payments" menu (portal.navigation collects
them from PaymentsConfig.nav)."""

from __future__ import annotations

from portal.accounts.models import FINANCE_ROLES
from portal.models import User
from portal.programs import NavItem


def payment_nav_items(user: User) -> list[NavItem]:
    items: list[NavItem] = []
    if user.is_superuser or user.role in FINANCE_ROLES:
        items += [
            NavItem("Payment runs", "payments:run_list", prefix="/payments/runs/"),
            NavItem("Ledger", "payments:ledger", prefix="/payments/ledger/"),
            NavItem("Jobs", "portal:job_list", prefix="/jobs/"),
        ]
    return items
