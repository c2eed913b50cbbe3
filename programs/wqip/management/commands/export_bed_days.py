from django.core.management.base import BaseCommand, CommandError, CommandParser

from programs.wqip.services.bed_days import (
    BedDaysNotComputed,
    export_bed_days,
)


class Command(BaseCommand):
    help = "Write the bed days of a program year as CSV (contract §5)."
    # start-up time counts for a data command (issue 17): `manage.py check` runs the checks
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program-year", type=int, required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--by-reason", action="store_true")

    def handle(
        self, *args: object, program_year: int, out: str, by_reason: bool, **options: object
    ) -> None:
        try:
            rows = export_bed_days(program_year=program_year, out=out, by_reason=by_reason)
        except BedDaysNotComputed as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror}") from exc
        kind = "by reason " if by_reason else ""
        self.stdout.write(f"bed days {program_year} {kind}written to {out}: {rows} rows")
