from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Bed days and payments"

    def ready(self) -> None:
        from payments.notices import produce_payment_due_reminders
        from portal.notifications.reminders import register_daily_producer

        register_daily_producer("payment_due", produce_payment_due_reminders)

    def load_demo_data(self, *, stdout=None):  # type: ignore[no-untyped-def]
        from payments.demo import load_payments_demo_data

        return load_payments_demo_data(stdout=stdout)

    def nav_items(self, user):  # type: ignore[no-untyped-def]
        from payments.navigation import payment_nav_items

        return payment_nav_items(user)

    def facility_links(self, user, facility):  # type: ignore[no-untyped-def]
        from django.urls import reverse

        return [
            ("Bed days", reverse("payments:bed_day_facility", args=[facility.pk])),
            ("Payments", reverse("payments:facility_payments", args=[facility.npi])),
        ]
