from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = "Disputes and cases"

    def ready(self) -> None:
        from disputes.notices import DISPUTE_NOTICE_KINDS
        from disputes.services.case_work import close_unamended_disputes, escalate_overdue_disputes
        from portal.notifications.kinds import register_kind
        from portal.notifications.reminders import register_daily_producer

        for kind in DISPUTE_NOTICE_KINDS:
            register_kind(kind)

        register_daily_producer("disputes.close_unamended", close_unamended_disputes)
        register_daily_producer("disputes.escalate_overdue", escalate_overdue_disputes)

    def nav_items(self, user):  # type: ignore[no-untyped-def]
        from disputes.navigation import dispute_nav_items

        return dispute_nav_items(user)
