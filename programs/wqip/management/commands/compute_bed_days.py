from django.core.management.base import BaseCommand, CommandParser

from programs.wqip.models import BedDaySummary
from programs.wqip.services.bed_days import compute_bed_days


class Command(BaseCommand):
    help = "Compute qualifying and excluded bed days of a program year (contract §2)."
    # start-up time counts for a data command (issue 17): `manage.py check` runs the checks
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program-year", type=int, required=True)

    def handle(self, *args: object, program_year: int, **options: object) -> None:
        computation = compute_bed_days(program_year=program_year)
        summaries = BedDaySummary.objects.filter(computation=computation)
        qualifying = sum(s.qualifying_days for s in summaries)
        excluded = sum(s.excluded_days for s in summaries)
        self.stdout.write(
            f"bed days {program_year}: {len(summaries)} facilities, {qualifying} qualifying, "
            f"{excluded} excluded (computation #{computation.pk})"
        )
