from typing import Any

from django.apps import AppConfig

from portal.programs import CaseWorkItem, HomePanel, NavItem, PortalApp


class InquiriesConfig(PortalApp, AppConfig):
    name = "portal.inquiries"
    label = "inquiries"
    verbose_name = "Inquiries"

    def ready(self) -> None:
        from portal.inquiries.notices import INQUIRY_NOTICE_KINDS
        from portal.notifications.kinds import register_kind

        for kind in INQUIRY_NOTICE_KINDS:
            register_kind(kind)

    def nav(self, user: Any) -> list[NavItem]:
        from portal.inquiries.home import inquiry_nav_items

        return inquiry_nav_items(user)

    def home_panels(self, user: Any) -> list[HomePanel]:
        from portal.inquiries.home import inquiry_home_panels

        return inquiry_home_panels(user=user)

    def case_work(self, user: Any) -> list[CaseWorkItem]:
        from portal.inquiries.home import inquiry_work_items

        return inquiry_work_items(user=user)

    def load_demo_data(self, *, stdout: Any = None) -> str:
        from portal.inquiries.demo import load_inquiry_demo_data

        return load_inquiry_demo_data(stdout=stdout)
