"""Seed the eleven California state holidays of a year from the `holidays` package."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.calendar.dates import HolidaySourceError
from portal.calendar.services import seed_state_holidays


class Command(BaseCommand):
    help = "Seed the California state holidays (domain guide §10) of one or more years."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        summaries = []
        for year in options["year"]:
            if not 1990 <= year <= 2100:
                raise CommandError(f"--year {year} is out of range (1990-2100)")
            try:
                summaries.append(str(seed_state_holidays(year=year)))
            except HolidaySourceError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write("Seeded holidays " + "; ".join(summaries))
