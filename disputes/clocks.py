"""PDR clocks (28 CCR §1300.71.38; domain guide §8, §10): pure functions on portal.dates.

Working-day clocks count from the day after receipt (receipt = day 0); calendar-day limits are
plain date arithmetic and are not moved off weekends.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from portal.calendar.dates import (
    add_calendar_days,
    add_working_days,
)

FILING_LIMIT_CALENDAR_DAYS = 365
ACK_WORKING_DAYS_ELECTRONIC = 2
ACK_WORKING_DAYS_PAPER = 15
DECISION_WORKING_DAYS = 45
AMEND_CALENDAR_DAYS = 30
SECOND_LEVEL_FILING_WORKING_DAYS = 65
SECOND_LEVEL_DECISION_WORKING_DAYS = 45
# decision-due reminders (§11): working days 30 and 40 of 45; day 40 also the program admin
DECISION_REMINDER_WORKING_DAYS = (30, 40)
AMEND_REMINDER_DAYS_BEFORE = (7, 2)

Holidays = set[datetime.date] | None


class FilingTooLate(ValueError):
    """The filing limit has passed; the message states the dates."""


def filing_deadline(*, action_on: datetime.date) -> datetime.date:
    """Last day to file: 365 calendar days after the plan's action (payment, recoupment,
    report), or after the due date if nothing was paid."""
    return add_calendar_days(start=action_on, days=FILING_LIMIT_CALENDAR_DAYS)


def check_filing_in_time(*, action_on: datetime.date, filed_on: datetime.date) -> datetime.date:
    deadline = filing_deadline(action_on=action_on)
    if filed_on > deadline:
        raise FilingTooLate(
            f"A dispute must be filed within {FILING_LIMIT_CALENDAR_DAYS} calendar days of the "
            f"plan's action. The action was on {action_on:%-d %B %Y}, so the last day to file "
            f"was {deadline:%-d %B %Y}; today is {filed_on:%-d %B %Y}."
        )
    return deadline


def check_second_level_in_time(*, second_level_due: datetime.date, filed_on: datetime.date) -> None:
    if filed_on > second_level_due:
        raise FilingTooLate(
            f"A second-level dispute must be filed within {SECOND_LEVEL_FILING_WORKING_DAYS} "
            f"working days of the first determination; the last day was "
            f"{second_level_due:%-d %B %Y}."
        )


def ack_due(
    *, received_on: datetime.date, is_paper: bool, holidays: Holidays = None
) -> datetime.date:
    days = ACK_WORKING_DAYS_PAPER if is_paper else ACK_WORKING_DAYS_ELECTRONIC
    return add_working_days(start=received_on, days=days, holidays=holidays)


def decision_due(
    *, received_on: datetime.date, level: int = 1, holidays: Holidays = None
) -> datetime.date:
    days = DECISION_WORKING_DAYS if level == 1 else SECOND_LEVEL_DECISION_WORKING_DAYS
    return add_working_days(start=received_on, days=days, holidays=holidays)


def amend_due(*, returned_on: datetime.date) -> datetime.date:
    """30 calendar days to amend a returned dispute."""
    return add_calendar_days(start=returned_on, days=AMEND_CALENDAR_DAYS)


def second_level_due(*, determined_on: datetime.date, holidays: Holidays = None) -> datetime.date:
    return add_working_days(
        start=determined_on, days=SECOND_LEVEL_FILING_WORKING_DAYS, holidays=holidays
    )


def ack_reminder_on(*, received_on: datetime.date, holidays: Holidays = None) -> datetime.date:
    """Ack-due reminder: end of working day 1 if still unacknowledged (§11)."""
    return add_working_days(start=received_on, days=1, holidays=holidays)


@dataclass(frozen=True)
class DecisionReminder:
    on: datetime.date
    working_day: int
    notify_program_admin: bool


def decision_reminders(
    *, received_on: datetime.date, level: int = 1, holidays: Holidays = None
) -> list[DecisionReminder]:
    """Working days 30 and 40 of the decision clock (day 40 = 5 working days before a
    45-day deadline), the last one also to the program admin."""
    last = DECISION_REMINDER_WORKING_DAYS[-1]
    return [
        DecisionReminder(
            on=add_working_days(start=received_on, days=day, holidays=holidays),
            working_day=day,
            notify_program_admin=day == last,
        )
        for day in DECISION_REMINDER_WORKING_DAYS
    ]


def amend_reminders(*, amend_due_on: datetime.date) -> list[datetime.date]:
    """7 and 2 calendar days before the amendment window closes."""
    return [amend_due_on - datetime.timedelta(days=d) for d in AMEND_REMINDER_DAYS_BEFORE]
