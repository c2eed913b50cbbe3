"""The SNF Quality Assurance Fee (QAF): plugs into the core through this AppConfig
(docs/architecture.md, docs/qaf.md). It never imports another program."""

from __future__ import annotations

from typing import Any

from portal.programs import NavItem, ProgramConfig


class QafConfig(ProgramConfig):
    name = "programs.qaf"
    label = "qaf"
    verbose_name = "SNF Quality Assurance Fee (QAF)"
    title = "Quality Assurance Fee"
    provider_kinds = ("snf",)
    organisation_kinds = ("snf",)
    nav_order = 12

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from portal.notifications.kinds import register_kind
        from portal.notifications.reminders import register_daily_producer
        from programs.qaf.models import QafRateYear
        from programs.qaf.notices import QAF_NOTICE_KINDS
        from programs.qaf.reminders import produce_qaf_reminders

        auditlog.register(QafRateYear)
        for kind in QAF_NOTICE_KINDS:
            register_kind(kind)
        register_daily_producer("qaf_due", produce_qaf_reminders)

    def ensure_reference_data(self) -> None:
        from programs.qaf.models import QafRateYear
        from programs.qaf.reference_data import seed_rate_years

        seed_rate_years(QafRateYear)

    def nav(self, user: Any) -> list[NavItem]:
        from programs.qaf.navigation import qaf_nav_items

        return qaf_nav_items(user)

    def facility_links(self, user: Any, facility: Any) -> list[tuple[str, str]]:
        from django.urls import reverse

        from programs.qaf.views.common import uses_qaf

        if not uses_qaf(user):
            return []
        return [("Quality Assurance Fee", reverse("qaf:facility", args=[facility.pk]))]

    def load_demo_data(self, *, stdout: Any = None) -> str:
        from programs.qaf.demo import load_qaf_demo_data

        return load_qaf_demo_data(stdout=stdout)
