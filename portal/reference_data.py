"""Reference rows every installation has (seeded by migrations).

``ensure_reference_data`` puts them back where a database was emptied, e.g. after a
transactional test flushed every table: the core's state holidays, then whatever each app
declares with ``ensure_reference_data()`` on its AppConfig (WQIP: its program years)."""

from __future__ import annotations

from django.apps import apps

# PY1 (2023) through 2028: second-level dispute clocks on the PY4 final exhibit run into 2028.
# Later years: `manage.py seed_holidays --year YYYY`.
HOLIDAY_SEED_YEARS = range(2023, 2029)


def seed_state_holidays(holiday_model) -> None:  # type: ignore[no-untyped-def]
    from portal.calendar.dates import state_holidays

    for year in HOLIDAY_SEED_YEARS:
        for day, name in state_holidays(year=year):
            holiday_model.objects.get_or_create(
                date=day, defaults={"name": name, "source": "state"}
            )


def ensure_reference_data() -> None:
    from portal.calendar.models import Holiday

    seed_state_holidays(Holiday)
    for config in apps.get_app_configs():
        seed = getattr(config, "ensure_reference_data", None)
        if callable(seed):
            seed()
