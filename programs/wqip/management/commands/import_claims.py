from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.files.csvio import CsvImportError
from programs.wqip.services.claims_import import import_claims


class Command(BaseCommand):
    help = "Import a claims.csv file (contract §1). All or nothing; re-importing is a no-op."
    # start-up time counts for a data command (issue 17): `manage.py check` runs the checks
    requires_system_checks: list[str] = []

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
