"""WQIP, the first program: it plugs into the core through this AppConfig (docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from portal.programs import CaseWorkItem, HomePanel, NavItem, ProgramConfig


class WqipConfig(ProgramConfig):
    name = "programs.wqip"
    label = "wqip"
    verbose_name = "SNF Workforce & Quality Incentive Program (WQIP)"
    title = "WQIP"
    # the facility types it covers (portal.registry.models.ELIGIBLE_TYPES)
    provider_kinds = ("NF_B_FREESTANDING", "SUBACUTE_ADULT_FREESTANDING")
    organisation_kinds = ("snf",)

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from disputes.programs import register_dispute_program
        from payments.calculators import register_calculator
        from portal.notifications.kinds import register_kind
        from portal.notifications.recipients import register_report_contacts
        from portal.notifications.reminders import register_daily_producer
        from programs.wqip.disputes import WqipDisputes
        from programs.wqip.models import OptIn, ProgramYear
        from programs.wqip.notices import WQIP_NOTICE_KINDS, report_contact_emails
        from programs.wqip.reminders import (
            produce_opt_in_incomplete_reminders,
            produce_opt_in_window_reminders,
        )
        from programs.wqip.services.payments import WqipCalculator

        register_calculator(WqipCalculator())
        register_dispute_program(WqipDisputes())
        auditlog.register(ProgramYear)
        auditlog.register(OptIn)
        for kind in WQIP_NOTICE_KINDS:
            register_kind(kind)
        register_report_contacts(self.label, report_contact_emails)
        register_daily_producer("opt_in_window", produce_opt_in_window_reminders)
        register_daily_producer("opt_in_incomplete", produce_opt_in_incomplete_reminders)
        # other programs' prefill (QAF) reads the plan's claims days through the core
        from portal.registry.claims_days import register_claims_days_provider
        from programs.wqip.claims_days import wqip_claims_days

        register_claims_days_provider("wqip", wqip_claims_days)
        from portal.models import StateSource
        from portal.registry.state_sources import (
            FetchedFileHandler,
            register_fetched_file_handler,
        )
        from programs.wqip.services.citations import apply_fetched_citations, preview_citations

        register_fetched_file_handler(
            StateSource.ENFORCEMENT,
            FetchedFileHandler(
                title="CDPH enforcement actions (WQIP citations)",
                preview=preview_citations,
                apply=apply_fetched_citations,
            ),
        )

    def job_kinds(self) -> list[Any]:
        from programs.wqip.services.bed_days import BED_DAYS_JOB_KIND
        from programs.wqip.services.claims_import import CLAIMS_IMPORT_JOB_KIND
        from programs.wqip.services.web_imports import WEB_IMPORT_JOB_KINDS

        return [CLAIMS_IMPORT_JOB_KIND, BED_DAYS_JOB_KIND, *WEB_IMPORT_JOB_KINDS]

    def ensure_reference_data(self) -> None:
        from programs.wqip.models import ProgramYear
        from programs.wqip.reference_data import seed_program_years

        seed_program_years(ProgramYear)

    def nav(self, user: Any) -> list[NavItem]:
        from programs.wqip.navigation import wqip_nav_items

        return wqip_nav_items(user)

    def home_panels(self, user: Any) -> list[HomePanel]:
        from programs.wqip.home import wqip_home_panels

        return wqip_home_panels(user=user)

    def case_work(self, user: Any) -> list[CaseWorkItem]:
        from programs.wqip.home import opt_in_review_work_items

        return opt_in_review_work_items(user=user)

    def facility_sections(self, user: Any, facility: Any) -> list[dict[str, Any]]:
        from programs.wqip.selectors.opt_in import facility_opt_in_years

        return [
            {
                "template": "wqip/_facility_sections.html",
                "context": {"years": facility_opt_in_years(facility=facility)},
            }
        ]

    def facility_links(self, user: Any, facility: Any) -> list[tuple[str, str]]:
        from django.urls import reverse

        return [("Bed days", reverse("wqip:bed_day_facility", args=[facility.pk]))]

    def load_demo_data(self, *, stdout: Any = None) -> str:
        from programs.wqip.demo import load_wqip_demo_data

        return load_wqip_demo_data(stdout=stdout)
