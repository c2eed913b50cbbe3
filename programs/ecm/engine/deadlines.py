"""When a month's report is due and whether a receipt counts as on time.

A report for month M is due on the ``due_day``-th day of month M+1: a calendar day (moved back
to the month's last day in a short month) or, when the year's settings say so, the
``due_day``-th working day (Monday-Friday, not a state holiday or plan closure day). The
deadline ends at 23:59:59 America/Los_Angeles; the receipt timestamp is read in that zone.
A month counts as on time when its *first* accepted file arrived by the deadline; later
resubmissions replace the data but do not change the month's timeliness (a reading, see
docs/ecm-qip.md).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")
SATURDAY = 5


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def due_date(
    *,
    year: int,
    month: int,
    due_day: int,
    working_days: bool = False,
    holidays: Iterable[datetime.date] = (),
) -> datetime.date:
    """The day the report for ``year``-``month`` is due (in the following month)."""
    if due_day < 1:
        raise ValueError("due_day must be 1 or more")
    due_year, due_month = next_month(year, month)
    last = calendar.monthrange(due_year, due_month)[1]
    if not working_days:
        return datetime.date(due_year, due_month, min(due_day, last))
    closed = set(holidays)
    day = datetime.date(due_year, due_month, 1) - datetime.timedelta(days=1)
    remaining = due_day
    while remaining:
        day += datetime.timedelta(days=1)
        if day.weekday() < SATURDAY and day not in closed:
            remaining -= 1
    return day


def receipt_day(received_at: datetime.datetime) -> datetime.date:
    """The California calendar day of an aware receipt timestamp."""
    if received_at.tzinfo is None:
        raise ValueError("receipt timestamps must be timezone-aware")
    return received_at.astimezone(PACIFIC).date()


def is_on_time(*, received_at: datetime.datetime, due_on: datetime.date) -> bool:
    """On time when received on or before the due day, California time."""
    return receipt_day(received_at) <= due_on


def days_late(*, received_at: datetime.datetime, due_on: datetime.date) -> int:
    return max((receipt_day(received_at) - due_on).days, 0)


def month_on_time(*, receipts: Iterable[datetime.datetime], due_on: datetime.date) -> bool | None:
    """Whether the month counts as on time from the receipts of its accepted files (the
    first receipt decides); None when no file was received."""
    ordered = sorted(receipts)
    if not ordered:
        return None
    return is_on_time(received_at=ordered[0], due_on=due_on)
