"""The disputes app's items in the top bar: the "Cases" menu ("Disputes" for provider users of
every kind) and "Dispute outcomes" in the "Payments" menu (portal.navigation collects them)."""

from __future__ import annotations

from portal.cases.roles import is_any_case_worker
from portal.models import Role, User
from portal.programs import NavItem


def dispute_nav_items(user: User) -> list[NavItem]:
    if user.is_provider_user:
        return [NavItem("Disputes", "disputes:dispute_list", prefix="/disputes/")]
    items = []
    if is_any_case_worker(user):
        items.append(NavItem("Dispute cases", "disputes:queue", prefix="/disputes/cases/"))
        items.append(NavItem("Dispute SLAs", "disputes:sla", prefix="/disputes/sla/"))
    if user.is_superuser or user.role in (Role.FINANCE_ANALYST, Role.FINANCE_APPROVER):
        items.append(
            NavItem(
                "Dispute outcomes",
                "disputes:money_outcomes",
                prefix="/disputes/outcomes/",
                group="payments",
            )
        )
    return items
