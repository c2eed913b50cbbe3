"""WQIP's reference rows: the program years PY1-PY4 with their opt-in windows (seeded by the
initial migration, put back by ``WqipConfig.ensure_reference_data`` after a flush)."""

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
