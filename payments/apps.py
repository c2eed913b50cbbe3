from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from payments.notices import PAYMENT_NOTICE_KINDS, produce_payment_due_reminders
        from portal.notifications.kinds import register_kind
        from portal.notifications.reminders import register_daily_producer

        for kind in PAYMENT_NOTICE_KINDS:
            register_kind(kind)
        register_daily_producer("payment_due", produce_payment_due_reminders)

    def nav_items(self, user):  # type: ignore[no-untyped-def]
        from payments.navigation import payment_nav_items

        return payment_nav_items(user)

    def facility_links(self, user, facility):  # type: ignore[no-untyped-def]
        from django.urls import reverse

        return [
            ("Payments", reverse("payments:facility_payments", args=[facility.npi])),
        ]
