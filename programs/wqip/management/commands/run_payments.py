from django.core.management.base import BaseCommand, CommandError, CommandParser

from payments.services import PaymentRunError
from programs.wqip.management.commands.import_per_diems import _program_year
from programs.wqip.models import ExhibitKind
from programs.wqip.services.payments import run_payments


class Command(BaseCommand):
    help = (
        "Compute a payment run for a program year and exhibit and post it in one step "
        "(the operator's tool, contract §4-5; in the web UI a second person approves)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program-year", required=True)
        parser.add_argument("--exhibit", required=True, choices=ExhibitKind.values)

    def handle(self, *args: object, **options: str) -> None:
        year = _program_year(options["program_year"])
        try:
            summary = run_payments(program_year=year, exhibit_kind=options["exhibit"])
        except PaymentRunError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(summary))
