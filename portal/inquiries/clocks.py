"""The clocks of an inquiry (domain guide §9, §10), in working days from day 0:

- first reply: 2 working days from the submission day (internal service level);
- resolution: ``WQIP_INQUIRY_RESOLUTION_WORKING_DAYS`` (default 10) from the submission day,
  started again from the day the organisation reopens it;
- reopening: the organisation may reopen a closed inquiry up to and including working day 10
  after the day it was closed; from day 11 it files a new one.

Reassignment changes none of them.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from portal.calendar.dates import add_working_days
from portal.cases.clocks import Clock, Holidays, start_clock

FIRST_REPLY_WORKING_DAYS = 2
REOPEN_WORKING_DAYS = 10


def resolution_working_days() -> int:
    return int(settings.WQIP_INQUIRY_RESOLUTION_WORKING_DAYS)


def first_reply_clock(*, submitted_on: datetime.date, holidays: Holidays = None) -> Clock:
    return start_clock(on=submitted_on, working_days=FIRST_REPLY_WORKING_DAYS, holidays=holidays)


def resolution_clock(*, started_on: datetime.date, holidays: Holidays = None) -> Clock:
    return start_clock(on=started_on, working_days=resolution_working_days(), holidays=holidays)


def reopen_until(*, closed_on: datetime.date, holidays: Holidays = None) -> datetime.date:
    """The last day the organisation may reopen an inquiry closed on ``closed_on``."""
    return add_working_days(start=closed_on, days=REOPEN_WORKING_DAYS, holidays=holidays)
