"""Working-day clocks of cases (domain guide §9, §10): pure functions on portal.calendar.

A clock starts on a day (day 0, e.g. the day an inquiry is submitted) and runs a number of
working days; it is due at the end of its last day (23:59:59 Pacific). The warning goes out
at 80% of the clock: on working day ``floor(days * 0.8)`` (at least day 1) at 8:00 Pacific.
Reassigning a case never touches its clocks (they belong to the case, not to the assignee).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from portal.calendar.dates import add_working_days, deadline_end, pacific_time

WARNING_SHARE = 0.8
SEND_HOUR = 8

Holidays = set[datetime.date] | None


@dataclass(frozen=True)
class Clock:
    """A working-day clock: ``due_on`` its last day, ``warn_on`` the 80% day."""

    started_on: datetime.date
    working_days: int
    due_on: datetime.date
    warn_on: datetime.date

    @property
    def warn_at(self) -> datetime.datetime:
        return pacific_time(self.warn_on, SEND_HOUR)

    @property
    def breach_at(self) -> datetime.datetime:
        """The first moment after the due day ends (when a breach notice goes out)."""
        return deadline_end(self.due_on) + datetime.timedelta(seconds=1)

    def is_breached(self, today: datetime.date) -> bool:
        return today > self.due_on


def warning_day(working_days: int) -> int:
    return max(1, math.floor(working_days * WARNING_SHARE))


def start_clock(*, on: datetime.date, working_days: int, holidays: Holidays = None) -> Clock:
    return Clock(
        started_on=on,
        working_days=working_days,
        due_on=add_working_days(start=on, days=working_days, holidays=holidays),
        warn_on=add_working_days(start=on, days=warning_day(working_days), holidays=holidays),
    )


def within_working_days(
    *, start: datetime.date, days: int, today: datetime.date, holidays: Holidays = None
) -> bool:
    """Whether ``today`` is at most working day ``days`` after ``start`` (e.g. the reopening
    window of a closed inquiry: day 10 yes, day 11 no)."""
    return today <= add_working_days(start=start, days=days, holidays=holidays)
