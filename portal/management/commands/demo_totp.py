from django.core.management.base import BaseCommand

from portal.demo import DEMO_USERS, current_totp_code


class Command(BaseCommand):
    help = "Print the current TOTP code of each demo plan-staff login (demo data only)."

    def handle(self, *args: object, **options: object) -> None:
        for demo in DEMO_USERS:
            if demo.totp_secret:
                self.stdout.write(f"{demo.email:<26} {current_totp_code(demo.totp_secret)}")
