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
    organisation_kinds = ("ecm_provider",)
    nav_order = 11

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from disputes.programs import register_dispute_program
        from payments.calculators import register_calculator
        from portal.notifications.kinds import register_kind
        from portal.notifications.reminders import register_daily_producer
        from programs.ecm.disputes import EcmDisputes
        from programs.ecm.models import MeasurementYear, ReimbursementBase
        from programs.ecm.notices import ECM_NOTICE_KINDS
        from programs.ecm.payments import CALCULATOR
        from programs.ecm.reminders import produce_report_reminders, produce_scores

        register_calculator(CALCULATOR)
        register_dispute_program(EcmDisputes())
        auditlog.register(MeasurementYear)
        auditlog.register(ReimbursementBase)
        for kind in ECM_NOTICE_KINDS:
            register_kind(kind)
        register_daily_producer("ecm_report_reminders", produce_report_reminders)
        register_daily_producer("ecm_scores", produce_scores)

    def nav(self, user: Any) -> list[NavItem]:
        from programs.ecm.navigation import ecm_nav_items

        return ecm_nav_items(user)

    def home_panels(self, user: Any) -> list[HomePanel]:
        from programs.ecm.navigation import ecm_home_panels

        return ecm_home_panels(user=user)

    def load_demo_data(self, *, stdout: Any = None) -> str:
        from programs.ecm.demo import load_ecm_demo_data

        return load_ecm_demo_data(stdout=stdout)
