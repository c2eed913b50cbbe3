from django.core.management.base import BaseCommand, CommandError, CommandParser

from programs.wqip.exports import (
    NoRunError,
    write_payments_csv,
)
from programs.wqip.management.commands.import_per_diems import _program_year
from programs.wqip.models import ExhibitKind


class Command(BaseCommand):
    help = "Write the contract §5 payments CSV for the latest run of an exhibit (posted or draft)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program-year", required=True)
        parser.add_argument("--exhibit", required=True, choices=ExhibitKind.values)
        parser.add_argument("--out", required=True)

    def handle(self, *args: object, **options: str) -> None:
        year = _program_year(options["program_year"])
        try:
            with open(options["out"], "w", encoding="utf-8", newline="") as handle:
                run, rows = write_payments_csv(
                    handle, program_year=year, exhibit_kind=options["exhibit"]
                )
        except NoRunError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"cannot write {options['out']}: {exc.strerror}") from exc
        self.stdout.write(f"payments {year} {options['exhibit']}: {rows} rows from run {run.pk}")
