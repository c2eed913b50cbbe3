"""Working-day arithmetic (domain guide §10)."""

from __future__ import annotations

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command

from portal.calendar.dates import (
    add_calendar_days,
    add_working_days,
    deadline_end,
    is_working_day,
    plan_holidays,
    state_holidays,
    working_days_between,
)
from portal.calendar.services import (
    save_plan_closure_day,
    seed_state_holidays,
)
from portal.models import AuditEvent, Holiday
from tests.factories import UserFactory

D = datetime.date

TABLE_2025 = [
    (D(2025, 1, 1), "New Year's Day"),
    (D(2025, 1, 20), "Martin Luther King Jr. Day"),
    (D(2025, 2, 17), "Presidents' Day"),
    (D(2025, 3, 31), "César Chávez Day"),
    (D(2025, 5, 26), "Memorial Day"),
    (D(2025, 7, 4), "Independence Day"),
    (D(2025, 9, 1), "Labor Day"),
    (D(2025, 11, 11), "Veterans Day"),
    (D(2025, 11, 27), "Thanksgiving Day"),
    (D(2025, 11, 28), "Day after Thanksgiving"),
    (D(2025, 12, 25), "Christmas Day"),
]
TABLE_2026 = [
    (D(2026, 1, 1), "New Year's Day"),
    (D(2026, 1, 19), "Martin Luther King Jr. Day"),
    (D(2026, 2, 16), "Presidents' Day"),
    (D(2026, 3, 31), "César Chávez Day"),
    (D(2026, 5, 25), "Memorial Day"),
    (D(2026, 7, 4), "Independence Day"),  # Saturday: no weekday off
    (D(2026, 9, 7), "Labor Day"),
    (D(2026, 11, 11), "Veterans Day"),
    (D(2026, 11, 26), "Thanksgiving Day"),
    (D(2026, 11, 27), "Day after Thanksgiving"),
    (D(2026, 12, 25), "Christmas Day"),
]
STATE_2025_2026 = {day for day, _ in TABLE_2025 + TABLE_2026}


# --- the holiday source, narrowed to the eleven ---------------------------------------------


@pytest.mark.parametrize(("year", "table"), [(2025, TABLE_2025), (2026, TABLE_2026)])
def test_given_holidays_package_when_narrowed_then_exactly_the_eleven_state_holidays(year, table):
    # when
    result = state_holidays(year=year)
    # then
    assert result == table


def test_given_2026_when_narrowed_then_juneteenth_anthony_diwali_and_observed_friday_dropped():
    # when
    days = {day for day, _ in state_holidays(year=2026)}
    # then
    assert D(2026, 6, 19) not in days  # Juneteenth
    assert D(2026, 2, 15) not in days  # Susan B. Anthony Day
    assert D(2026, 11, 8) not in days  # Diwali
    assert D(2026, 7, 3) not in days  # Friday "observed" for Saturday 4 July


def test_given_sunday_holiday_when_narrowed_then_moved_to_monday():
    # given 4 July 2027 is a Sunday
    # when
    days = dict(state_holidays(year=2027))
    # then
    assert D(2027, 7, 5) in days
    assert days[D(2027, 7, 5)] == "Independence Day"


def test_given_saturday_veterans_day_when_narrowed_then_moved_to_friday():
    # given 11 Nov 2028 is a Saturday
    # when
    days = dict(state_holidays(year=2028))
    # then
    assert days[D(2028, 11, 10)] == "Veterans Day"
    assert D(2028, 1, 1) in days  # New Year on Saturday stays on Saturday (no weekday off)


@pytest.mark.django_db
@pytest.mark.parametrize(("year", "table"), [(2025, TABLE_2025), (2026, TABLE_2026)])
def test_given_migrated_database_when_holiday_table_read_then_matches_guide(year, table):
    # when
    rows = list(
        Holiday.objects.filter(date__year=year, source=Holiday.Source.STATE).values_list(
            "date", "name"
        )
    )
    # then
    assert rows == table


@pytest.mark.django_db
def test_given_empty_year_when_seed_command_runs_twice_then_eleven_rows_once():
    # given
    Holiday.objects.filter(date__year=2031).delete()
    # when
    call_command("seed_holidays", "--year", "2031")
    summary = seed_state_holidays(year=2031)
    # then
    assert Holiday.objects.filter(date__year=2031).count() == 11
    assert (summary.created, summary.updated, summary.removed) == (0, 0, 0)


@pytest.mark.django_db
def test_given_year_out_of_range_when_seed_command_runs_then_command_error():
    with pytest.raises(CommandError, match="out of range"):
        call_command("seed_holidays", "--year", "1200")


# --- counting convention ----------------------------------------------------------------------


def test_given_check_example_when_electronic_dispute_received_then_ack_and_decision_due():
    # given: electronic dispute received Wed 26 Nov 2025 (Thanksgiving Thu + Fri follow)
    received_on = D(2025, 11, 26)
    # when
    ack_due = add_working_days(start=received_on, days=2, holidays=STATE_2025_2026)
    decision_due = add_working_days(start=received_on, days=45, holidays=STATE_2025_2026)
    # then
    assert ack_due == D(2025, 12, 2)
    assert decision_due == D(2026, 2, 4)


def test_given_wednesday_before_thanksgiving_when_one_working_day_added_then_monday():
    assert add_working_days(start=D(2025, 11, 26), days=1, holidays=STATE_2025_2026) == D(
        2025, 12, 1
    )


def test_given_receipt_before_new_year_when_counting_then_new_years_day_skipped():
    # given Tue 30 Dec 2025; Wed 31 Dec is day 1, Thu 1 Jan 2026 is a holiday
    # when
    due = add_working_days(start=D(2025, 12, 30), days=2, holidays=STATE_2025_2026)
    # then
    assert due == D(2026, 1, 2)


def test_given_christmas_and_new_year_when_counting_ten_days_then_both_skipped():
    # given Wed 24 Dec 2025: 25 Dec and 1 Jan are holidays, two weekends in between
    # when
    due = add_working_days(start=D(2025, 12, 24), days=10, holidays=STATE_2025_2026)
    # then
    assert due == D(2026, 1, 9)


def test_given_friday_receipt_when_one_working_day_added_then_weekend_skipped():
    assert add_working_days(start=D(2025, 10, 17), days=1, holidays=STATE_2025_2026) == D(
        2025, 10, 20
    )


def test_given_saturday_receipt_when_counting_then_day_zero_is_saturday():
    # given a paper dispute dated Saturday 18 Oct 2025 (receipt = day 0 even on a weekend)
    # when
    due = add_working_days(start=D(2025, 10, 18), days=2, holidays=STATE_2025_2026)
    # then
    assert due == D(2025, 10, 21)


def test_given_zero_days_when_added_then_start_returned():
    assert add_working_days(start=D(2025, 11, 29), days=0, holidays=set()) == D(2025, 11, 29)


def test_given_decision_due_when_five_working_days_subtracted_then_counting_backwards():
    # given decision due Wed 4 Feb 2026
    # when
    reminder_on = add_working_days(start=D(2026, 2, 4), days=-5, holidays=STATE_2025_2026)
    # then
    assert reminder_on == D(2026, 1, 28)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2025, 11, 26), D(2025, 12, 2), 2),
        (D(2025, 11, 26), D(2026, 2, 4), 45),
        (D(2025, 11, 26), D(2025, 11, 26), 0),
        (D(2025, 11, 26), D(2025, 11, 30), 0),
        (D(2025, 12, 2), D(2025, 11, 26), -2),
    ],
)
def test_given_two_dates_when_working_days_between_then_inverse_of_add(start, end, expected):
    assert working_days_between(start=start, end=end, holidays=STATE_2025_2026) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 11, 27), False),  # Thanksgiving
        (D(2025, 11, 28), False),  # day after
        (D(2025, 11, 29), False),  # Saturday
        (D(2025, 6, 19), True),  # Juneteenth: state offices open
        (D(2025, 12, 1), True),
    ],
)
def test_given_day_when_checked_then_working_day_status(day, expected):
    assert is_working_day(day, holidays=STATE_2025_2026) is expected


# --- holiday table and admin-added closure days ---------------------------------------------


@pytest.mark.django_db
def test_given_seeded_table_when_no_holidays_passed_then_table_is_used():
    # when
    due = add_working_days(start=D(2025, 11, 26), days=45)
    # then
    assert due == D(2026, 2, 4)


@pytest.mark.django_db
def test_given_admin_added_closure_day_when_counting_then_closure_day_skipped():
    # given Fri 26 Dec 2025 declared a plan closure day by an admin
    admin = UserFactory.create(role="program_admin", is_staff=True, is_superuser=True)
    save_plan_closure_day(
        holiday=Holiday(date=D(2025, 12, 26), name="Plan closure", source="closure"),
        actor=admin,
    )
    # when
    due = add_working_days(start=D(2025, 12, 24), days=1)
    # then
    assert due == D(2025, 12, 29)
    assert AuditEvent.objects.filter(action="holiday.added").count() == 1
    assert Holiday.objects.get(date=D(2025, 12, 26)).added_by == admin


@pytest.mark.django_db
def test_given_closure_day_added_through_django_admin_when_counting_then_skipped(client):
    # given
    admin = UserFactory.create(role="program_admin", is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={})
    client.force_login(admin)
    # when
    response = client.post(
        "/admin/portal/holiday/add/",
        {"date": "2026-01-02", "name": "Plan closure", "source": "closure"},
    )
    # then
    assert response.status_code == 302
    assert add_working_days(start=D(2025, 12, 31), days=1) == D(2026, 1, 5)


@pytest.mark.django_db
def test_given_year_missing_from_table_when_plan_holidays_read_then_package_fills_gap():
    # given
    Holiday.objects.filter(date__year=2035).delete()
    # when
    days = plan_holidays(years=[2035])
    # then
    assert days == {day for day, _ in state_holidays(year=2035)}


# --- deadline ends and calendar days ----------------------------------------------------------


def test_given_deadline_day_when_end_computed_then_235959_pacific():
    # when
    end = deadline_end(D(2025, 12, 2))
    # then
    assert end.isoformat() == "2025-12-02T23:59:59-08:00"


def test_given_summer_deadline_when_end_computed_then_daylight_time_offset():
    assert deadline_end(D(2025, 7, 1)).isoformat() == "2025-07-01T23:59:59-07:00"


def test_given_calendar_day_limit_ending_on_saturday_when_added_then_not_moved():
    # given amendment window of 30 calendar days from Thu 30 Oct 2025 ends Sat 29 Nov
    assert add_calendar_days(start=D(2025, 10, 30), days=30) == D(2025, 11, 29)
