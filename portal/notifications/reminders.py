"""Daily reminder producers (domain guide §11), run by Celery beat. Each producer only calls
``schedule_notice`` for reminders whose day has come; the unique constraint on
ScheduledNotice makes a second run the same day (or a redelivered task) a no-op, so each
facility gets each reminder at most once per window. Other apps add producers with
``register_daily_producer`` from their ``AppConfig.ready``."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from portal.dates import add_working_days, pacific_time, plan_holidays
from portal.models import Facility, OptIn, ProgramYear
from portal.notifications.services import schedule_notice

CLOSING_REMINDER_DAYS = (14, 7, 1)
DRAFT_UNTOUCHED_DAYS = 7
RETURNED_NOT_RESUBMITTED_WORKING_DAYS = 5
SEND_HOUR = 8  # reminders go out at 08:00 America/Los_Angeles

Producer = Callable[[datetime.date], int]
DAILY_PRODUCERS: dict[str, Producer] = {}


def register_daily_producer(name: str, producer: Producer) -> None:
    DAILY_PRODUCERS[name] = producer


def _facilities_without_submission(program_year: ProgramYear, *, include_drafts: bool):
    started = OptIn.objects.filter(program_year=program_year)
    if include_drafts:
        started = started.exclude(status__in=[OptIn.Status.DRAFT, OptIn.Status.RETURNED])
    return Facility.objects.filter(is_wqip_eligible=True).exclude(
        pk__in=started.values("facility_id")
    )


@transaction.atomic
def produce_opt_in_window_reminders(today: datetime.date) -> int:
    """Window opening (on ``opens_on``; eligible facilities without an opt-in) and closing
    (14, 7 and 1 days before ``closes_on``; also facilities with a draft). A missed day is
    caught up with the latest reminder point, never with several."""
    scheduled = 0
    windows = ProgramYear.objects.filter(opt_in_opens_on__lte=today, opt_in_closes_on__gte=today)
    for program_year in windows:
        opens_on, closes_on = program_year.opt_in_opens_on, program_year.opt_in_closes_on
        points = [
            ("opt_in_window_closing", closes_on - datetime.timedelta(days=days))
            for days in CLOSING_REMINDER_DAYS
        ]
        due = [(kind, day) for kind, day in points if opens_on <= day <= today]
        if due:
            kind, day = max(due, key=lambda point: point[1])
            include_drafts = True
        else:
            kind, day, include_drafts = "opt_in_window_opening", opens_on, False
        for facility in _facilities_without_submission(program_year, include_drafts=include_drafts):
            schedule_notice(
                kind=kind,
                subject=program_year,
                facility=facility,
                due_at=pacific_time(day, SEND_HOUR),
                data={"opens_on": opens_on, "closes_on": closes_on},
            )
            scheduled += 1
    return scheduled


@transaction.atomic
def produce_opt_in_incomplete_reminders(today: datetime.date) -> int:
    """Draft untouched 7 days; returned and not resubmitted after 5 working days."""
    scheduled = 0
    holidays = plan_holidays(years=[today.year - 1, today.year])
    open_opt_ins = OptIn.objects.filter(
        status__in=[OptIn.Status.DRAFT, OptIn.Status.RETURNED],
        program_year__opt_in_closes_on__gte=today,
    )
    for opt_in in open_opt_ins:
        touched_on = timezone.localdate(opt_in.updated_at)
        if opt_in.status == OptIn.Status.DRAFT:
            due_on = touched_on + datetime.timedelta(days=DRAFT_UNTOUCHED_DAYS)
        else:
            due_on = add_working_days(
                start=touched_on, days=RETURNED_NOT_RESUBMITTED_WORKING_DAYS, holidays=holidays
            )
        if due_on > today:
            continue
        schedule_notice(
            kind="opt_in_draft_incomplete",
            subject=opt_in,
            due_at=pacific_time(due_on, SEND_HOUR),
            data={
                "updated_at": opt_in.updated_at.isoformat(),
                "closes_on": opt_in.program_year.opt_in_closes_on,
            },
        )
        scheduled += 1
    return scheduled


register_daily_producer("opt_in_window", produce_opt_in_window_reminders)
register_daily_producer("opt_in_incomplete", produce_opt_in_incomplete_reminders)


def produce_daily_reminders(*, today: datetime.date | None = None) -> dict[str, int]:
    """Run every registered producer; each is its own transaction."""
    today = today or timezone.localdate()
    return {name: producer(today) for name, producer in DAILY_PRODUCERS.items()}
