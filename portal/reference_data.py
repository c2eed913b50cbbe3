"""Reference rows every installation has (seeded by migrations).

``ensure_reference_data`` puts them back where a database was emptied, e.g. after a
transactional test flushed every table."""

from __future__ import annotations

import datetime

# PY1-PY4 = CY2023-2026. The plan's 2025 window (2 Jun - 1 Aug 2025) serves PY3; the other
# windows follow the same pattern and are editable by program admins.
PROGRAM_YEARS = [
    (2023, "PY1", datetime.date(2023, 6, 1), datetime.date(2023, 8, 1)),
    (2024, "PY2", datetime.date(2024, 6, 3), datetime.date(2024, 8, 1)),
    (2025, "PY3", datetime.date(2025, 6, 2), datetime.date(2025, 8, 1)),
    (2026, "PY4", datetime.date(2026, 6, 1), datetime.date(2026, 7, 31)),
]


def seed_program_years(program_year_model) -> None:  # type: ignore[no-untyped-def]
    for year, label, opens, closes in PROGRAM_YEARS:
        program_year_model.objects.get_or_create(
            year=year,
            defaults={"label": label, "opt_in_opens_on": opens, "opt_in_closes_on": closes},
        )


# PY1 (2023) through 2028: second-level dispute clocks on the PY4 final exhibit run into 2028.
# Later years: `manage.py seed_holidays --year YYYY`.
HOLIDAY_SEED_YEARS = range(2023, 2029)


def seed_state_holidays(holiday_model) -> None:  # type: ignore[no-untyped-def]
    from portal.dates import state_holidays

    for year in HOLIDAY_SEED_YEARS:
        for day, name in state_holidays(year=year):
            holiday_model.objects.get_or_create(
                date=day, defaults={"name": name, "source": "state"}
            )


def ensure_reference_data() -> None:
    from portal.models import Holiday, ProgramYear

    seed_program_years(ProgramYear)
    seed_state_holidays(Holiday)
