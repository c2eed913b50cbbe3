"""WQIP's daily reminder producers (domain guide §11): the opt-in window and incomplete opt-ins.
Registered with portal.notifications.reminders by WqipConfig.ready."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from portal.calendar.dates import (
    add_working_days,
    pacific_time,
    plan_holidays,
)
from portal.models import (
    Facility,
    ScheduledNotice,
)
from portal.notifications.reminders import SEND_HOUR
from portal.notifications.services import schedule_notice
from programs.wqip.models import (
    OptIn,
    OptInVersion,
    ProgramYear,
)

CLOSING_REMINDER_DAYS = (14, 7, 1)
DRAFT_UNTOUCHED_DAYS = 7
RETURNED_NOT_RESUBMITTED_WORKING_DAYS = 5


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
        # the filter leaves out years without both dates
        assert opens_on is not None
        assert closes_on is not None
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


def last_touched(version: OptInVersion) -> datetime.datetime:
    """When the facility last worked on a version: its own change or a document upload."""
    uploaded = version.documents.aggregate(last=Max("uploaded_at"))["last"]
    return max(version.updated_at, uploaded) if uploaded else version.updated_at


def _still_submittable(version: OptInVersion, today: datetime.date) -> bool:
    """Amendments have no window; an original form only while the window (or the facility's
    extension) is open, or when a program admin allowed a late submission."""
    from programs.wqip.services.opt_in import submission_closes_on

    if version.is_amendment or version.opt_in.late_submission_allowed_at is not None:
        return True
    closes = submission_closes_on(
        facility=version.opt_in.facility, program_year=version.opt_in.program_year
    )
    return closes is not None and closes >= today


@transaction.atomic
def produce_opt_in_incomplete_reminders(today: datetime.date) -> int:
    """Draft form (an original or an amendment ``OptInVersion``) untouched for 7 days: one
    reminder per version; returned form not resubmitted 5 working days after it was returned:
    one reminder per return. Sent to the facility administrators."""
    scheduled = 0
    holidays = plan_holidays(years=[today.year - 1, today.year])
    open_versions = (
        OptInVersion.objects.filter(
            status__in=[OptInVersion.Status.DRAFT, OptInVersion.Status.RETURNED]
        )
        .select_related("opt_in__facility", "opt_in__program_year")
        .order_by("pk")
    )
    version_type = ContentType.objects.get_for_model(OptInVersion)
    already_drafts = set(
        ScheduledNotice.objects.filter(
            kind="opt_in_draft_incomplete",
            subject_type=version_type,
            data__status=OptInVersion.Status.DRAFT,
        ).values_list("subject_id", flat=True)
    )
    for version in open_versions:
        if not _still_submittable(version, today):
            continue
        opt_in = version.opt_in
        data = {
            "status": version.status,
            "program_year": opt_in.program_year.label,
            "is_amendment": version.is_amendment,
            "closes_on": opt_in.program_year.opt_in_closes_on,
        }
        if version.status == OptInVersion.Status.DRAFT:
            if version.pk in already_drafts:
                continue  # at most once per draft, however often it is touched again
            touched = last_touched(version)
            due_on = timezone.localdate(touched) + datetime.timedelta(days=DRAFT_UNTOUCHED_DAYS)
            data["updated_at"] = touched.isoformat()
        else:
            if version.reviewed_at is None:
                continue
            due_on = add_working_days(
                start=timezone.localdate(version.reviewed_at),
                days=RETURNED_NOT_RESUBMITTED_WORKING_DAYS,
                holidays=holidays,
            )
            data["returned_at"] = version.reviewed_at.isoformat()
        if due_on > today:
            continue
        schedule_notice(
            kind="opt_in_draft_incomplete",
            subject=version,
            facility=opt_in.facility,
            due_at=pacific_time(due_on, SEND_HOUR),
            link=reverse("wqip:opt_in_detail", args=[opt_in.pk]),
            data=data,
        )
        scheduled += 1
    return scheduled
