import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.files.csvio import CsvImportError
from programs.wqip.models import ExhibitKind
from programs.wqip.services.per_diems import import_per_diems


def _program_year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise CommandError(f"--program-year must be a calendar year like 2024, not {text!r}")
    return int(text)


class Command(BaseCommand):
    help = "Load a DHCS per-diem exhibit (contract §1 per_diems.csv). All or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--program-year", required=True)
        parser.add_argument("--exhibit", required=True, choices=ExhibitKind.values)
        parser.add_argument("--received-on", required=True, help="YYYY-MM-DD")

    def handle(self, *args: object, **options: str) -> None:
        year = _program_year(options["program_year"])
        try:
            received_on = datetime.date.fromisoformat(options["received_on"])
        except ValueError:
            raise CommandError(
                f"--received-on must be a date YYYY-MM-DD, not {options['received_on']!r}"
            ) from None
        path = options["path"]
        try:
            summary = import_per_diems(
                path=path, program_year=year, kind=options["exhibit"], received_on=received_on
            )
        except CsvImportError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        self.stdout.write(
            f"per diems {year} {options['exhibit']} (received {received_on}): "
            f"{summary.created} loaded, {summary.deleted} replaced"
        )
