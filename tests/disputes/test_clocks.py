"""PDR clocks (disputes.clocks) on the holiday table: receipt is day 0, working days skip
weekends and California state holidays, calendar-day limits are not moved."""

from __future__ import annotations

import datetime

import pytest

from disputes import clocks
from portal.calendar.dates import plan_holidays

pytestmark = pytest.mark.django_db

THANKSGIVING_WEDNESDAY = datetime.date(2025, 11, 26)


def _count_working_days_oracle(start: datetime.date, days: int) -> datetime.date:
    """Independent day-by-day walk over the holiday table (the check for the clock helpers)."""
    holidays = plan_holidays(years=[start.year, start.year + 1])
    day, left = start, days
    while left:
        day += datetime.timedelta(days=1)
        if day.isoweekday() <= 5 and day not in holidays:
            left -= 1
    return day


def test_given_electronic_dispute_received_before_thanksgiving_when_ack_due_then_tuesday():
    # given: Wed 26 Nov 2025; Thu 27 and Fri 28 Nov are state holidays
    received_on = THANKSGIVING_WEDNESDAY
    # when
    due = clocks.ack_due(received_on=received_on, is_paper=False)
    # then: Mon 1 Dec is day 1, Tue 2 Dec day 2
    assert due == datetime.date(2025, 12, 2)


def test_given_dispute_received_before_thanksgiving_when_decision_due_then_4_february_2026():
    # given
    received_on = THANKSGIVING_WEDNESDAY
    # when
    due = clocks.decision_due(received_on=received_on)
    # then: Christmas, New Year's Day and MLK Day are skipped too
    assert due == datetime.date(2026, 2, 4)


def test_given_paper_dispute_received_before_thanksgiving_when_ack_due_then_15_working_days():
    # given
    received_on = THANKSGIVING_WEDNESDAY
    # when
    due = clocks.ack_due(received_on=received_on, is_paper=True)
    # then: 1-5, 8-12, 15-19 December
    assert due == datetime.date(2025, 12, 19)
    assert due == _count_working_days_oracle(received_on, 15)


def test_given_dispute_received_on_a_saturday_when_ack_due_then_counted_from_the_next_day():
    # given: Sat 20 Dec 2025 is day 0; Mon 22 day 1, Tue 23 day 2
    received_on = datetime.date(2025, 12, 20)
    # when
    due = clocks.ack_due(received_on=received_on, is_paper=False)
    # then
    assert due == datetime.date(2025, 12, 23)


def test_given_second_level_dispute_when_decision_due_then_45_working_days():
    # given
    received_on = datetime.date(2026, 3, 2)
    # when
    due = clocks.decision_due(received_on=received_on, level=2)
    # then
    assert due == _count_working_days_oracle(received_on, 45)


def test_given_determination_before_christmas_when_second_level_due_then_65_working_days():
    # given: determined Fri 19 Dec 2025; Christmas, New Year, MLK and Presidents' Day fall inside
    determined_on = datetime.date(2025, 12, 19)
    # when
    due = clocks.second_level_due(determined_on=determined_on)
    # then
    assert due == _count_working_days_oracle(determined_on, 65)
    assert due == datetime.date(2026, 3, 26)


def test_given_returned_dispute_when_amend_due_then_30_calendar_days_not_moved_off_holiday():
    # given: returned Fri 19 Dec 2025; 30 calendar days later is Sun 18 Jan 2026
    returned_on = datetime.date(2025, 12, 19)
    # when
    due = clocks.amend_due(returned_on=returned_on)
    # then
    assert due == datetime.date(2026, 1, 18)


def test_given_amend_due_when_reminders_then_7_and_2_days_before():
    # given
    amend_due_on = datetime.date(2026, 1, 18)
    # when
    reminders = clocks.amend_reminders(amend_due_on=amend_due_on)
    # then
    assert reminders == [datetime.date(2026, 1, 11), datetime.date(2026, 1, 16)]


def test_given_action_date_when_filing_deadline_then_365_calendar_days():
    # given
    action_on = datetime.date(2025, 3, 1)
    # when
    deadline = clocks.filing_deadline(action_on=action_on)
    # then: 2025-03-01 + 365 days (no leap day in between)
    assert deadline == datetime.date(2026, 3, 1)


def test_given_filing_on_day_365_when_checked_then_accepted():
    # given
    action_on = datetime.date(2025, 3, 1)
    # when
    deadline = clocks.check_filing_in_time(action_on=action_on, filed_on=datetime.date(2026, 3, 1))
    # then
    assert deadline == datetime.date(2026, 3, 1)


def test_given_filing_on_day_366_when_checked_then_refused_with_the_dates_explained():
    # given
    action_on = datetime.date(2025, 3, 1)
    # when
    with pytest.raises(clocks.FilingTooLate) as refused:
        clocks.check_filing_in_time(action_on=action_on, filed_on=datetime.date(2026, 3, 2))
    # then
    message = str(refused.value)
    assert "1 March 2025" in message
    assert "last day to file was 1 March 2026" in message


def test_given_decision_clock_when_reminders_then_working_days_30_and_40_and_lead_on_40():
    # given
    received_on = THANKSGIVING_WEDNESDAY
    # when
    reminders = clocks.decision_reminders(received_on=received_on)
    # then: day 40 is 5 working days before the 4 February deadline
    assert [r.on for r in reminders] == [
        _count_working_days_oracle(received_on, 30),
        datetime.date(2026, 1, 28),
    ]
    assert [r.notify_program_admin for r in reminders] == [False, True]
