from typing import Any

from django.apps import AppConfig

from portal.programs import CaseWorkItem, HomePanel, NavGroup, NavItem, PortalApp


class DisputesConfig(PortalApp, AppConfig):
    name = "disputes"
    verbose_name = "Disputes and cases"
    nav_groups = (NavGroup("cases", "Cases", order=30),)

    def ready(self) -> None:
        from disputes.notices import DISPUTE_NOTICE_KINDS
        from disputes.services.case_work import close_unamended_disputes, escalate_overdue_disputes
        from portal.notifications.kinds import register_kind
        from portal.notifications.reminders import register_daily_producer

        for kind in DISPUTE_NOTICE_KINDS:
            register_kind(kind)

        from disputes.home import convert_inquiry_action
        from portal.inquiries.actions import register_inquiry_action

        register_inquiry_action(convert_inquiry_action)
        register_daily_producer("disputes.close_unamended", close_unamended_disputes)
        register_daily_producer("disputes.escalate_overdue", escalate_overdue_disputes)

    def nav(self, user: Any) -> list[NavItem]:
        from disputes.navigation import dispute_nav_items

        return dispute_nav_items(user)

    def home_panels(self, user: Any) -> list[HomePanel]:
        from disputes.home import dispute_home_panels

        return dispute_home_panels(user=user)

    def case_work(self, user: Any) -> list[CaseWorkItem]:
        from disputes.home import dispute_work_items

        return dispute_work_items(user=user)

    def load_demo_data(self, *, stdout: Any = None) -> str:
        from disputes.demo import load_dispute_demo_data

        return load_dispute_demo_data(stdout=stdout)
