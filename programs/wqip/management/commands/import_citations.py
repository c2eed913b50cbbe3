from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.files.csvio import CsvImportError
from programs.wqip.services.citations import import_citations


class Command(BaseCommand):
    help = (
        "Load a CDPH State Enforcement Actions extract (contract §1 citations.csv). Rows for "
        "facilities not in the registry are skipped and counted. All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: object, path: str, **options: object) -> None:
        try:
            summary = import_citations(path=path)
        except CsvImportError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        self.stdout.write(f"citations: {summary} (not in the registry)")
