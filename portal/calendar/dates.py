"""Working days for California (domain guide §10).

A working day is Monday-Friday except the eleven California state holidays and plan closure
days (both rows of ``portal.Holiday``). Clocks count from the day after receipt (receipt =
day 0); a deadline ends 23:59:59 America/Los_Angeles. Calendar-day limits are plain date
arithmetic and are not moved off weekends.

    add_working_days(start=received_on, days=45, holidays=plan_holidays())
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")
SATURDAY, SUNDAY = 5, 6

# The eleven state holidays (Gov. Code §19853, as observed by CalHR), keyed by the name the
# `holidays` package gives them (package version pinned in constraints.txt).
STATE_HOLIDAY_NAMES = {
    "New Year's Day": "New Year's Day",
    "Martin Luther King Jr. Day": "Martin Luther King Jr. Day",
    "Presidents' Day": "Presidents' Day",
    "Washington's Birthday": "Presidents' Day",
    "Cesar Chavez Day": "César Chávez Day",
    "Memorial Day": "Memorial Day",
    "Independence Day": "Independence Day",
    "Labor Day": "Labor Day",
    "Veterans Day": "Veterans Day",
    "Thanksgiving Day": "Thanksgiving Day",
    "Day After Thanksgiving": "Day after Thanksgiving",
    "Thanksgiving Friday": "Day after Thanksgiving",
    "Christmas Day": "Christmas Day",
}
STATE_HOLIDAY_COUNT = 11


class HolidaySourceError(RuntimeError):
    """The `holidays` package did not return the eleven state holidays for a year."""


def state_holidays(*, year: int) -> list[tuple[datetime.date, str]]:
    """The eleven California state holidays of ``year``, on the day state offices close.

    Taken from ``holidays.country_holidays("US", subdiv="CA")`` without its "observed" days,
    narrowed to the eleven (Juneteenth, Susan B. Anthony Day, Diwali... dropped). A Sunday
    holiday moves to Monday; a Saturday holiday stays on Saturday (no weekday off), except
    Veterans Day, which moves to Friday.
    """
    import holidays

    source = holidays.country_holidays("US", subdiv="CA", years=year, observed=False)
    found: dict[str, datetime.date] = {}
    for day, names in source.items():
        for package_name in names.split("; "):
            name = STATE_HOLIDAY_NAMES.get(package_name.strip())
            if name is not None and day.year == year:
                found[name] = day
    if len(found) != STATE_HOLIDAY_COUNT:
        missing = sorted(set(STATE_HOLIDAY_NAMES.values()) - set(found))
        raise HolidaySourceError(f"holidays package misses {', '.join(missing)} for {year}")
    result = []
    for name, day in found.items():
        if day.weekday() == SUNDAY:
            day += datetime.timedelta(days=1)
        elif day.weekday() == SATURDAY and name == "Veterans Day":
            day -= datetime.timedelta(days=1)
        result.append((day, name))
    return sorted(result)


def plan_holidays(*, years: Iterable[int] | None = None) -> set[datetime.date]:
    """Non-working weekdays from the Holiday table (state holidays and plan closure days).

    ``years`` limits the rows read. A year without any state-holiday row in the table (not
    seeded yet) falls back to ``state_holidays`` so a clock never silently ignores a holiday.
    """
    from portal.models import Holiday

    rows = Holiday.objects.all()
    if years is not None:
        years = sorted(set(years))
        rows = rows.filter(date__year__in=years)
    days: set[datetime.date] = set()
    seeded_years: set[int] = set()
    for day, source in rows.values_list("date", "source"):
        days.add(day)
        if source == Holiday.Source.STATE:
            seeded_years.add(day.year)
    for year in years or ():
        if year not in seeded_years:
            days.update(day for day, _ in state_holidays(year=year))
    return days


def _holidays_for(
    start: datetime.date, days: int, holidays: set[datetime.date] | None
) -> set[datetime.date]:
    if holidays is not None:
        return holidays
    span = abs(days) // 200 + 1  # about 250 working days a year
    return plan_holidays(years=range(start.year - span, start.year + span + 1))


def is_working_day(day: datetime.date, *, holidays: set[datetime.date] | None = None) -> bool:
    if day.weekday() >= SATURDAY:
        return False
    if holidays is None:
        holidays = plan_holidays(years=[day.year])
    return day not in holidays


def add_working_days(
    *, start: datetime.date, days: int, holidays: set[datetime.date] | None = None
) -> datetime.date:
    """The day on which working day number ``days`` falls, counting from the day after
    ``start`` (``start`` is day 0, whether or not it is a working day). Negative ``days``
    count backwards (e.g. "5 working days before the decision is due")."""
    holidays = _holidays_for(start, days, holidays)
    step = datetime.timedelta(days=1 if days >= 0 else -1)
    day, remaining = start, abs(days)
    while remaining:
        day += step
        if day.weekday() < SATURDAY and day not in holidays:
            remaining -= 1
    return day


def working_days_between(
    *, start: datetime.date, end: datetime.date, holidays: set[datetime.date] | None = None
) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when end < start),
    so that ``add_working_days(start=s, days=working_days_between(start=s, end=e)) <= e``."""
    if end < start:
        return -working_days_between(start=end, end=start, holidays=holidays)
    if holidays is None:
        holidays = plan_holidays(years=range(start.year, end.year + 1))
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if day.weekday() < SATURDAY and day not in holidays:
            count += 1
    return count


def add_calendar_days(*, start: datetime.date, days: int) -> datetime.date:
    """Calendar-day limits (e.g. 30-day amendment window): not moved off weekends."""
    return start + datetime.timedelta(days=days)


def deadline_end(day: datetime.date) -> datetime.datetime:
    """The moment a deadline falling on ``day`` ends: 23:59:59 America/Los_Angeles."""
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=PACIFIC)


def pacific_time(day: datetime.date, hour: int = 8, minute: int = 0) -> datetime.datetime:
    """An aware datetime on ``day`` at the given Pacific wall-clock time (reminder send time)."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PACIFIC)
