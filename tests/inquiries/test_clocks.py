"""Hand-worked clocks of inquiries (domain guide §9, §10).

2025: Thanksgiving Thursday 27 November and the day after are state holidays; Veterans Day
is Tuesday 11 November.
"""

from __future__ import annotations

import datetime

import pytest

from portal.cases.clocks import start_clock, warning_day
from portal.inquiries import clocks, services
from portal.inquiries.models import Status
from tests.inquiries.helpers import draft_inquiry, on_day, submitted_inquiry

pytestmark = pytest.mark.django_db

WEDNESDAY_BEFORE_THANKSGIVING = datetime.date(2025, 11, 26)


def test_given_submission_the_wednesday_before_thanksgiving_when_first_reply_due_then_tuesday():
    # day 0 Wed 26 Nov; Thu 27 and Fri 28 holidays; Sat 29, Sun 30 weekend;
    # Mon 1 Dec working day 1, Tue 2 Dec working day 2
    clock = clocks.first_reply_clock(submitted_on=WEDNESDAY_BEFORE_THANKSGIVING)
    assert clock.due_on == datetime.date(2025, 12, 2)
    # the 80% warning: working day floor(2 x 0.8) = 1 (Mon 1 Dec) at 8:00 Pacific
    assert clock.warn_on == datetime.date(2025, 12, 1)
    assert clock.warn_at.hour == 8


def test_given_submission_on_a_friday_when_first_reply_due_then_tuesday():
    # Fri 5 Dec day 0; Mon 8 = 1, Tue 9 = 2
    assert clocks.first_reply_clock(submitted_on=datetime.date(2025, 12, 5)).due_on == (
        datetime.date(2025, 12, 9)
    )


def test_given_ten_working_day_target_when_started_before_thanksgiving_then_warned_on_day_8():
    # Wed 26 Nov day 0: Dec 1,2,3,4,5 (1-5), 8,9,10 (6-8), 11, 12 (9, 10)
    clock = start_clock(on=WEDNESDAY_BEFORE_THANKSGIVING, working_days=10)
    assert warning_day(10) == 8
    assert clock.warn_on == datetime.date(2025, 12, 10)
    assert clock.due_on == datetime.date(2025, 12, 12)


def test_given_inquiry_closed_on_monday_3_november_when_reopen_window_then_tuesday_18():
    # Nov 4,5,6,7 (1-4), 10 (5), Tue 11 Veterans Day, 12,13,14 (6-8), 17 (9), 18 (10)
    assert clocks.reopen_until(closed_on=datetime.date(2025, 11, 3)) == datetime.date(2025, 11, 18)


def test_given_submitted_before_thanksgiving_when_submitted_then_clocks_and_notices_set(world):
    staff = world.users["facility_staff"]
    with on_day(WEDNESDAY_BEFORE_THANKSGIVING):
        inquiry = submitted_inquiry(facility=world.facility, author=staff)
    assert inquiry.submitted_on == WEDNESDAY_BEFORE_THANKSGIVING
    assert inquiry.first_reply_due == datetime.date(2025, 12, 2)
    assert inquiry.resolution_due == datetime.date(2025, 12, 12)
    from portal.cases.services import pending_notices

    kinds = sorted(
        (n.kind, n.due_at.date().isoformat())
        for n in pending_notices(
            inquiry,
            ["inquiry_first_reply_due", "inquiry_resolution_due", "inquiry_overdue"],
        )
    )
    assert kinds == [
        ("inquiry_first_reply_due", "2025-12-01"),
        ("inquiry_overdue", "2025-12-03"),  # the moment after 2 Dec ends (Pacific), in UTC
        ("inquiry_overdue", "2025-12-13"),
        ("inquiry_resolution_due", "2025-12-10"),
    ]


def _closed_on_3_november(world):  # type: ignore[no-untyped-def]
    staff, liaison = world.users["facility_staff"], world.users["ltss_liaison"]
    with on_day(datetime.date(2025, 10, 30)):
        inquiry = submitted_inquiry(facility=world.facility, author=staff)
    with on_day(datetime.date(2025, 11, 3)):
        answer = services.post_message(inquiry=inquiry, author=liaison, body="Paid on 1 Nov.")
        inquiry = services.close_with_answer(inquiry=inquiry, message=answer, actor=liaison)
    return inquiry


def test_given_closed_on_3_november_when_reopened_on_working_day_10_then_open_again(world):
    inquiry = _closed_on_3_november(world)
    assert inquiry.reopen_until == datetime.date(2025, 11, 18)
    with on_day(datetime.date(2025, 11, 18), hour=23):
        inquiry = services.reopen_inquiry(
            inquiry=inquiry, actor=world.users["facility_staff"], reason="Still not paid."
        )
    assert inquiry.status == Status.IN_PROGRESS
    # a new resolution target from the reopening day (Tue 18 Nov = day 0): Nov 19, 20, 21,
    # 24, 25, 26 (1-6), Thanksgiving 27 and 28, Dec 1, 2, 3 (7-9), Thu 4 Dec = day 10
    assert inquiry.resolution_due == datetime.date(2025, 12, 4)
    assert inquiry.answer_id is None


def test_given_closed_on_3_november_when_reopened_on_working_day_11_then_refused(world):
    inquiry = _closed_on_3_november(world)
    with (
        on_day(datetime.date(2025, 11, 19), hour=0),
        pytest.raises(services.InvalidTransition, match="file a new inquiry"),
    ):
        services.reopen_inquiry(inquiry=inquiry, actor=world.users["facility_staff"])
    inquiry.refresh_from_db()
    assert inquiry.status == Status.CLOSED


def test_given_assigned_inquiry_when_reassigned_then_clocks_and_notices_unchanged(world):
    staff, lead = world.users["facility_staff"], world.users["program_admin"]
    with on_day(WEDNESDAY_BEFORE_THANKSGIVING):
        inquiry = submitted_inquiry(facility=world.facility, author=staff)
    assert inquiry.assignee == world.users["ltss_liaison"]  # the primary liaison
    from portal.cases.services import pending_notices

    kinds = ["inquiry_first_reply_due", "inquiry_resolution_due", "inquiry_overdue"]
    before = sorted(pending_notices(inquiry, kinds).values_list("kind", "due_at"))
    due_before = (inquiry.first_reply_due, inquiry.resolution_due, inquiry.submitted_on)
    with on_day(datetime.date(2025, 12, 1)):
        inquiry = services.assign_inquiry(inquiry=inquiry, assignee=lead, actor=lead)
    assert inquiry.assignee == lead
    assert (inquiry.first_reply_due, inquiry.resolution_due, inquiry.submitted_on) == due_before
    assert sorted(pending_notices(inquiry, kinds).values_list("kind", "due_at")) == before
    assert inquiry.events.filter(action="reassigned", is_internal=True).exists()


def test_given_draft_when_saved_then_no_clock_runs(world):
    inquiry = draft_inquiry(facility=world.facility, author=world.users["facility_staff"])
    assert inquiry.case_number == ""
    assert inquiry.first_reply_due is None
