"""Daily reminder producers, the Celery tasks and the beat schedule (domain guide §11)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from portal.calendar.dates import pacific_time
from portal.jobs.models import Job
from portal.models import (
    FacilityType,
    Notice,
    Role,
    ScheduledNotice,
)
from portal.notifications.reminders import produce_daily_reminders
from portal.notifications.services import schedule_notice
from portal.tasks import produce_daily_reminders_task, sweep_due_notices_task
from programs.wqip.models import (
    OptIn,
    OptInVersion,
    ProgramYear,
)
from programs.wqip.reminders import (
    produce_opt_in_incomplete_reminders,
    produce_opt_in_window_reminders,
)
from tests.factories import FacilityFactory, OptInFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
OPENS_ON, CLOSES_ON = D(2025, 6, 2), D(2025, 8, 1)  # PY3 window, seeded


@pytest.fixture
def py3():
    return ProgramYear.objects.get(year=2025)


@pytest.fixture
def facilities(py3):
    """no opt-in, draft, submitted, and an ineligible facility without opt-in."""
    none = FacilityFactory.create(name="No Opt-in")
    draft = FacilityFactory.create(name="Draft")
    submitted = FacilityFactory.create(name="Submitted")
    ineligible = FacilityFactory.create(
        name="Hospital DP", facility_type=FacilityType.NF_DISTINCT_PART
    )
    for facility, status in ((draft, OptIn.Status.DRAFT), (submitted, OptIn.Status.SUBMITTED)):
        opt_in = OptInFactory.create(facility=facility, program_year=py3, status=status)
        OptInVersion.objects.create(opt_in=opt_in, number=1, status=status)
    return {"none": none, "draft": draft, "submitted": submitted, "ineligible": ineligible}


def rows(kind: str) -> set[tuple[str, datetime.datetime]]:
    return set(ScheduledNotice.objects.filter(kind=kind).values_list("facility__name", "due_at"))


def test_given_window_opens_today_when_producer_runs_then_facilities_without_opt_in(facilities):
    # when
    count = produce_opt_in_window_reminders(OPENS_ON)
    # then
    assert count == 1
    assert rows("opt_in_window_opening") == {("No Opt-in", pacific_time(OPENS_ON, 8))}


def test_given_producer_already_ran_when_it_runs_again_then_no_new_rows(facilities):
    # given
    produce_opt_in_window_reminders(OPENS_ON)
    # when
    produce_opt_in_window_reminders(OPENS_ON)
    produce_opt_in_window_reminders(OPENS_ON + datetime.timedelta(days=3))
    # then
    assert ScheduledNotice.objects.count() == 1


def test_given_seven_days_before_close_when_producer_runs_then_drafts_included(facilities):
    # given
    today = CLOSES_ON - datetime.timedelta(days=7)
    # when
    produce_opt_in_window_reminders(today)
    produce_opt_in_window_reminders(today + datetime.timedelta(days=1))
    # then: one reminder each for the facility without opt-in and the one with a draft
    assert rows("opt_in_window_closing") == {
        ("No Opt-in", pacific_time(today, 8)),
        ("Draft", pacific_time(today, 8)),
    }


def test_given_each_closing_point_when_producer_runs_daily_then_three_reminders(facilities):
    # when the producer runs every day of the window
    day = OPENS_ON
    while day <= CLOSES_ON:
        produce_opt_in_window_reminders(day)
        day += datetime.timedelta(days=1)
    # then: one opening reminder, closing reminders 14, 7 and 1 days before
    due_days = sorted(
        timezone.localdate(row.due_at)
        for row in ScheduledNotice.objects.filter(
            kind="opt_in_window_closing", facility=facilities["none"]
        )
    )
    assert due_days == [D(2025, 7, 18), D(2025, 7, 25), D(2025, 7, 31)]
    assert ScheduledNotice.objects.filter(kind="opt_in_window_opening").count() == 1


def test_given_window_closed_when_producer_runs_then_nothing(facilities):
    assert produce_opt_in_window_reminders(CLOSES_ON + datetime.timedelta(days=1)) == 0


def draft_version(facility) -> OptInVersion:
    return OptInVersion.objects.get(opt_in__facility=facility, number=1)


def test_given_draft_untouched_seven_days_when_producer_runs_then_reminder_due(facilities, py3):
    # given: the form (the version) was last edited on 1 Jul; the opt-in row itself is newer
    version = draft_version(facilities["draft"])
    OptInVersion.objects.filter(pk=version.pk).update(updated_at=pacific_time(D(2025, 7, 1), 10))
    # when
    before = produce_opt_in_incomplete_reminders(D(2025, 7, 7))
    count = produce_opt_in_incomplete_reminders(D(2025, 7, 8))
    # then
    assert (before, count) == (0, 1)
    assert rows("opt_in_draft_incomplete") == {("Draft", pacific_time(D(2025, 7, 8), 8))}
    assert ScheduledNotice.objects.get().subject == version


def test_given_draft_reminded_and_touched_when_untouched_again_then_no_second_reminder(
    facilities,
):
    # given a reminder was planned for the draft, which was then edited and left again
    version = draft_version(facilities["draft"])
    OptInVersion.objects.filter(pk=version.pk).update(updated_at=pacific_time(D(2025, 7, 1), 10))
    produce_opt_in_incomplete_reminders(D(2025, 7, 8))
    OptInVersion.objects.filter(pk=version.pk).update(updated_at=pacific_time(D(2025, 7, 9), 10))
    # when the producer runs 7 days later
    produce_opt_in_incomplete_reminders(D(2025, 7, 16))
    # then: at most one "incomplete" reminder per draft
    assert ScheduledNotice.objects.filter(kind="opt_in_draft_incomplete").count() == 1


def test_given_draft_touched_after_reminder_scheduled_when_swept_then_cancelled(facilities):
    # given
    admin = UserFactory.create(role=Role.FACILITY_ADMIN, facilities=[facilities["draft"]])
    version = draft_version(facilities["draft"])
    OptInVersion.objects.filter(pk=version.pk).update(updated_at=pacific_time(D(2025, 7, 1), 10))
    produce_opt_in_incomplete_reminders(D(2025, 7, 8))
    OptInVersion.objects.filter(pk=version.pk).update(updated_at=pacific_time(D(2025, 7, 8), 7))
    # when
    from portal.notifications.services import sweep_due_notices

    sweep_due_notices(now=pacific_time(D(2025, 7, 8), 9))
    # then
    assert not Notice.objects.filter(user=admin).exists()
    assert ScheduledNotice.objects.get().state == ScheduledNotice.State.CANCELLED


def test_given_returned_opt_in_when_five_working_days_pass_then_reminder(facilities, py3):
    # given returned on Wed 2 Jul 2025 (4 Jul is a holiday); the facility edits it on 8 Jul
    # but does not resubmit: the clock runs from the return
    returned = OptInFactory.create(
        facility=FacilityFactory.create(), program_year=py3, status="returned"
    )
    OptInVersion.objects.create(
        opt_in=returned,
        number=1,
        status=OptInVersion.Status.RETURNED,
        reviewed_at=pacific_time(D(2025, 7, 2), 10),
    )
    OptInVersion.objects.filter(opt_in=returned).update(updated_at=pacific_time(D(2025, 7, 8), 9))
    # when
    before = produce_opt_in_incomplete_reminders(D(2025, 7, 9))
    on_day = produce_opt_in_incomplete_reminders(D(2025, 7, 10))
    again = produce_opt_in_incomplete_reminders(D(2025, 7, 11))
    # then
    assert (before, on_day, again) == (0, 1, 1)
    assert rows("opt_in_draft_incomplete") == {
        (returned.facility.name, pacific_time(D(2025, 7, 10), 8))
    }


def test_given_amendment_draft_untouched_when_producer_runs_then_reminder_after_window(py3):
    # given an approved opt-in with an amendment drafted on 1 Sep, after the window closed
    facility = FacilityFactory.create(name="Amending")
    opt_in = OptInFactory.create(facility=facility, program_year=py3, status=OptIn.Status.APPROVED)
    OptInVersion.objects.create(opt_in=opt_in, number=1, status=OptInVersion.Status.APPROVED)
    amendment = OptInVersion.objects.create(opt_in=opt_in, number=2)
    OptInVersion.objects.filter(pk=amendment.pk).update(updated_at=pacific_time(D(2025, 9, 1), 9))
    admin = UserFactory.create(role=Role.FACILITY_ADMIN, facilities=[facility])
    # when
    produce_opt_in_incomplete_reminders(D(2025, 9, 8))
    from portal.notifications.services import sweep_due_notices

    sweep_due_notices(now=pacific_time(D(2025, 9, 8), 9))
    # then
    notice = Notice.objects.get(user=admin)
    assert notice.title == "Your PY3 opt-in amendment is not submitted yet"
    assert notice.link == f"/opt-ins/{opt_in.pk}/"


def test_given_draft_after_window_closed_when_producer_runs_then_no_reminder(facilities):
    # given
    version = draft_version(facilities["draft"])
    OptInVersion.objects.filter(pk=version.pk).update(updated_at=pacific_time(D(2025, 7, 30), 9))
    # when
    count = produce_opt_in_incomplete_reminders(D(2025, 8, 6))
    # then
    assert count == 0


def test_given_daily_task_when_run_then_sweep_job_runs_every_producer(
    facilities, django_capture_on_commit_callbacks
):
    # when: beat's daily task queues the day's reminder sweep (a job), twice
    with django_capture_on_commit_callbacks(execute=True):
        result = produce_daily_reminders_task.delay().get()
    again = produce_daily_reminders_task.delay().get()
    # then: one job, which ran every producer, then the sweep
    job = Job.objects.get(pk=result["job"])
    assert again == result
    assert job.status == Job.Status.SUCCEEDED
    # (other apps, e.g. disputes, register their own producers too)
    for producer in ("opt_in_window", "opt_in_incomplete", "payment_due"):
        assert f"{producer} " in job.summary


def test_given_due_rows_when_sweep_task_runs_then_sent(facilities):
    # given
    UserFactory.create(role=Role.FACILITY_ADMIN, facilities=[facilities["none"]])
    schedule_notice(
        kind="report_published",
        subject=facilities["none"],
        due_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    # when
    summary = sweep_due_notices_task.delay().get()
    # then
    assert summary.startswith("1 sent")
    assert Notice.objects.count() == 1


def test_given_produce_daily_reminders_when_called_with_today_then_counts():
    counts = produce_daily_reminders(today=D(2024, 1, 1))
    assert {k: counts[k] for k in ("opt_in_window", "opt_in_incomplete", "payment_due")} == {
        "opt_in_window": 0,
        "opt_in_incomplete": 0,
        "payment_due": 0,
    }


def test_given_static_schedule_when_database_scheduler_starts_then_entries_synced(monkeypatch):
    # given (the scheduler closes "old" connections, which would end the test transaction)
    from django_celery_beat import schedulers
    from django_celery_beat.schedulers import DatabaseScheduler

    from portal.celery import app

    monkeypatch.setattr(schedulers, "close_old_connections", lambda: None)

    # when
    DatabaseScheduler(app=app, lazy=False)
    # then
    sweep = PeriodicTask.objects.get(name="sweep-due-notices")
    daily = PeriodicTask.objects.get(name="produce-daily-reminders")
    assert (sweep.task, sweep.interval.every, sweep.interval.period) == (
        "portal.sweep_due_notices",
        120,
        "seconds",
    )
    assert daily.task == "portal.produce_daily_reminders"
    assert (daily.crontab.hour, daily.crontab.minute) == ("6", "15")
