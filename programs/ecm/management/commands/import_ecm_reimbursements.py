from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.files.csvio import CsvImportError
from programs.ecm.services.reimbursements import import_reimbursements


class Command(BaseCommand):
    help = (
        "Load the ECM QIP reimbursement base per provider and year (CSV: provider_npi, year, "
        "amount): the 100-point model's total reimbursement. All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: object, path: str, **options: object) -> None:
        try:
            summary = import_reimbursements(path=path)
        except CsvImportError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        self.stdout.write(f"ECM reimbursements: {summary}")
