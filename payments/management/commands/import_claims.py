from django.core.management.base import BaseCommand, CommandError, CommandParser

from payments.claim_services import import_claims
from portal.csvio import CsvImportError


class Command(BaseCommand):
    help = "Import a claims.csv file (contract §1). All or nothing; re-importing is a no-op."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: object, path: str, **options: object) -> None:
        try:
            summary = import_claims(path=path)
        except CsvImportError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        self.stdout.write(f"claims: {summary}")
