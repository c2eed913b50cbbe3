"""The "Quality Assurance Fee" menu of the top bar (portal.navigation collects it from
QafConfig.nav): for SNF users and the plan's SNF staff."""

from __future__ import annotations

from portal.models import User
from portal.programs import NavItem
from programs.qaf.views.common import uses_qaf


def qaf_nav_items(user: User) -> list[NavItem]:
    if not uses_qaf(user):
        return []
    label = "Monthly fees" if user.is_facility_user else "Late or not declared"
    return [
        NavItem(label, "qaf:home", prefix="/qaf/facility"),
        NavItem("QAF rates", "qaf:rates", prefix="/qaf/rates/"),
    ]
