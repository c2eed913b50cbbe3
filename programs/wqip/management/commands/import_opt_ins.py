from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.files.csvio import CsvImportError
from programs.wqip.services.opt_in_import import import_opt_ins


class Command(BaseCommand):
    help = "Bulk load opt-in decisions from an opt_ins.csv file (contract §1). All or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: object, path: str, **options: object) -> None:
        try:
            summary = import_opt_ins(path=path)
        except CsvImportError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        self.stdout.write(f"opt-ins: {summary}")
