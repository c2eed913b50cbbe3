from typing import Any

from django.apps import AppConfig

from portal.programs import HomePanel, NavGroup, NavItem, PortalApp


class PaymentsConfig(PortalApp, AppConfig):
    name = "payments"
    verbose_name = "Payments"
    nav_groups = (NavGroup("payments", "Payments", order=20),)

    def ready(self) -> None:
        from payments.notices import PAYMENT_NOTICE_KINDS, produce_payment_due_reminders
        from portal.notifications.kinds import register_kind
        from portal.notifications.reminders import register_daily_producer

        for kind in PAYMENT_NOTICE_KINDS:
            register_kind(kind)
        register_daily_producer("payment_due", produce_payment_due_reminders)

    def job_kinds(self) -> list[Any]:
        from payments.services import PAYMENT_RUN_JOB_KIND

        return [PAYMENT_RUN_JOB_KIND]

    def nav(self, user: Any) -> list[NavItem]:
        from payments.navigation import payment_nav_items

        return payment_nav_items(user)

    def home_panels(self, user: Any) -> list[HomePanel]:
        from payments.home import payment_home_panels

        return payment_home_panels(user=user)

    def facility_links(self, user: Any, facility: Any) -> list[tuple[str, str]]:
        from django.urls import reverse

        return [
            ("Payments", reverse("payments:facility_payments", args=[facility.npi])),
        ]
