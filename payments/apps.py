from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Bed days and payments"

    def ready(self) -> None:
        from payments.notices import produce_payment_due_reminders
        from portal.notifications.reminders import register_daily_producer

        register_daily_producer("payment_due", produce_payment_due_reminders)
