"""Main-navigation items of the payments app (portal.navigation collects them)."""

from __future__ import annotations

from portal.accounts.models import FINANCE_ROLES
from portal.models import User
from portal.navigation import NavItem


def payment_nav_items(user: User) -> list[NavItem]:
    items: list[NavItem] = []
    if user.is_superuser or user.role in FINANCE_ROLES:
        items += [
            NavItem("Payment runs", "payments:run_list", prefix="/payments/runs/"),
            NavItem("Ledger", "payments:ledger", prefix="/payments/ledger/"),
        ]
    return items
