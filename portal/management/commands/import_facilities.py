from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.files.csvio import CsvImportError
from portal.registry.services import import_facilities


class Command(BaseCommand):
    help = "Load the facility registry from a facilities.csv file (contract §1). All or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: object, path: str, **options: object) -> None:
        try:
            summary = import_facilities(path=path)
        except CsvImportError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        self.stdout.write(f"facilities: {summary}")
