"""The CalAIM Incentive Payment Program (IPP): plugs into the core through this AppConfig
(docs/architecture.md, docs/ipp.md). It never imports another program."""

from __future__ import annotations

from typing import Any

from portal.programs import HomePanel, NavItem, ProgramConfig


class IppConfig(ProgramConfig):
    name = "programs.ipp"
    label = "ipp"
    verbose_name = "CalAIM Incentive Payment Program (IPP)"
    title = "IPP"
    provider_kinds = ("snf", "ecm_provider")
    organisation_kinds = ("snf", "ecm_provider")
    nav_order = 14

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from payments.calculators import register_calculator
        from portal.notifications.kinds import register_kind
        from portal.notifications.reminders import register_daily_producer
        from programs.ipp.calculator import IppAwardCalculator
        from programs.ipp.models import IppApplication, IppMeasure, IppProgramYear, IppSubmission

        for model in (IppProgramYear, IppSubmission, IppMeasure, IppApplication):
            auditlog.register(model)
        from programs.ipp.reminders import IPP_NOTICE_KINDS, produce_ipp_reminders

        register_calculator(IppAwardCalculator())
        for kind in IPP_NOTICE_KINDS:
            register_kind(kind)
        register_daily_producer("ipp_cap", produce_ipp_reminders)

    def nav(self, user: Any) -> list[NavItem]:
        from programs.ipp.navigation import ipp_nav_items

        return ipp_nav_items(user)

    def home_panels(self, user: Any) -> list[HomePanel]:
        from programs.ipp.navigation import ipp_home_panels

        return ipp_home_panels(user)

    def load_demo_data(self, *, stdout: Any = None) -> str:
        from programs.ipp.demo import load_ipp_demo_data

        return load_ipp_demo_data(stdout=stdout)
