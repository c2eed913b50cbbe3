"""ECM QIP, the plan's quality incentive program for its Enhanced Care Management providers.

It plugs into the core through this AppConfig (docs/architecture.md) and never imports
another program (import-linter contract).
"""

from __future__ import annotations

from typing import Any

from portal.programs import HomePanel, NavItem, ProgramConfig


class EcmConfig(ProgramConfig):
    name = "programs.ecm"
    label = "ecm"
    verbose_name = "ECM Quality Incentive Program (ECM QIP)"
    title = "ECM QIP"
    provider_kinds = ("ecm_provider",)
    nav_order = 11

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from programs.ecm.models import MeasurementYear, ReimbursementBase

        auditlog.register(MeasurementYear)
        auditlog.register(ReimbursementBase)

    def nav(self, user: Any) -> list[NavItem]:
        from programs.ecm.navigation import ecm_nav_items

        return ecm_nav_items(user)

    def home_panels(self, user: Any) -> list[HomePanel]:
        from programs.ecm.navigation import ecm_home_panels

        return ecm_home_panels(user=user)
