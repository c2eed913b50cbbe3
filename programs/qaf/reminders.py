"""QAF's daily reminder producer (registered by QafConfig.ready): declaration and payment due
in 7 days, overdue the day after, quarterly and annual reports due in 7 days. Each reminder has
one send day; a producer that missed days schedules it late, once (the engine's unique key)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse

from portal.calendar.dates import pacific_time
from portal.models import Facility
from portal.notifications.reminders import SEND_HOUR
from portal.notifications.services import schedule_notice
from programs.qaf import engine
from programs.qaf.models import QafParticipation
from programs.qaf.notices import month_link
from programs.qaf.selectors import MonthStatus, declarations_with_money

DAYS_BEFORE = 7
OVERDUE_LOOKBACK_DAYS = 90  # reading [A]: a first run does not notify years of history


def paying_facilities() -> list[Facility]:
    latest: dict[int, bool] = {}
    for row in QafParticipation.objects.order_by("facility_id", "set_at", "pk"):
        latest[row.facility_id] = row.pays_fee
    return [f for f in Facility.objects.order_by("pk") if latest.get(f.pk, True)]


def _send_day(point: datetime.date, today: datetime.date, last: datetime.date) -> bool:
    return point <= today <= last


@transaction.atomic
def produce_qaf_reminders(today: datetime.date) -> int:
    scheduled = 0
    facilities = paying_facilities()
    month = engine.add_months(engine.first_of_month(today), -1)
    due_on = engine.fee_due_date(month)
    reminder_day = due_on - datetime.timedelta(days=DAYS_BEFORE)
    statuses: dict[tuple[int, datetime.date], MonthStatus] = {
        (d.facility_id, d.month): MonthStatus(
            d, today, list(d.adjustments.all()), list(d.payments.all())
        )
        for d in declarations_with_money([f.pk for f in facilities]).filter(
            due_on__gte=today - datetime.timedelta(days=OVERDUE_LOOKBACK_DAYS)
        )
    }
    for facility in facilities:
        # the month due at the end of this one: declare it / pay it, 7 days before
        if _send_day(reminder_day, today, due_on):
            status = statuses.get((facility.pk, month))
            kind = "qaf_declaration_due" if status is None else "qaf_payment_due"
            if status is None or status.balance > 0:
                schedule_notice(
                    kind=kind,
                    subject=status.declaration if status else facility,
                    facility=facility,
                    due_at=pacific_time(reminder_day, SEND_HOUR),
                    link=month_link(status.declaration)
                    if status
                    else reverse("qaf:declare", args=[facility.pk]),
                    data={"month_on": month, "due_on": due_on},
                )
                scheduled += 1
        # the month before: overdue the day after its due date, if not declared
        previous = engine.add_months(month, -1)
        previous_due = engine.fee_due_date(previous)
        # (statuses holds every month due in the last 90 days: not there = not declared);
        # reading [A]: only to facilities that declare in the portal (a month in those 90 days)
        uses_portal = any(key[0] == facility.pk for key in statuses)
        if uses_portal and today > previous_due and (facility.pk, previous) not in statuses:
            schedule_notice(
                kind="qaf_overdue",
                subject=facility,
                facility=facility,
                due_at=pacific_time(previous_due + datetime.timedelta(days=1), SEND_HOUR),
                link=reverse("qaf:declare", args=[facility.pk]),
                data={"month_on": previous, "due_on": previous_due},
            )
            scheduled += 1
        # the quarterly report of the quarter before, due the last day of this quarter
        year, quarter = engine.quarter_of(engine.add_months(engine.first_of_month(today), -3))
        report_due = engine.quarterly_report_due(year, quarter)
        point = report_due - datetime.timedelta(days=DAYS_BEFORE)
        if _send_day(point, today, report_due):
            schedule_notice(
                kind="qaf_quarterly_report_due",
                subject=facility,
                facility=facility,
                due_at=pacific_time(point, SEND_HOUR),
                link=reverse("qaf:quarters", args=[facility.pk, year]),
                data={"quarter": f"Q{quarter} {year}", "due_on": report_due},
            )
            scheduled += 1
        fiscal_year = engine.state_fiscal_year(engine.add_months(engine.first_of_month(today), -2))
        annual_due = engine.annual_report_due(fiscal_year)
        point = annual_due - datetime.timedelta(days=DAYS_BEFORE)
        if _send_day(point, today, annual_due):
            schedule_notice(
                kind="qaf_annual_report_due",
                subject=facility,
                facility=facility,
                due_at=pacific_time(point, SEND_HOUR),
                link=reverse("qaf:annual", args=[facility.pk, fiscal_year]),
                data={"fiscal_year": f"{fiscal_year - 1}-{fiscal_year}", "due_on": annual_due},
            )
            scheduled += 1
    # declared months past their due date and not paid in full: overdue, once each
    for status in statuses.values():
        if status.is_overdue:
            declaration = status.declaration
            schedule_notice(
                kind="qaf_overdue",
                subject=declaration,
                facility=declaration.facility,
                due_at=pacific_time(declaration.due_on + datetime.timedelta(days=1), SEND_HOUR),
                link=month_link(declaration),
                data={"month_on": declaration.month, "due_on": declaration.due_on},
            )
            scheduled += 1
    return scheduled
