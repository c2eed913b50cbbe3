"""Opt-in events -> notices of the notification engine (kinds ``opt_in_submitted``,
``opt_in_returned``, ``opt_in_approved``, ``opt_in_rejected``).

``schedule_transition_notice`` is called by ``opt_in_review._move`` inside the transaction of
the status change, so the notice exists exactly when the change commits; the sweeper then sends
it once. Notices carry a link to the opt-in, never form data.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from portal.models import ScheduledNotice
from portal.notifications import recipients as r
from portal.notifications.kinds import NoticeKind
from portal.notifications.services import schedule_notice
from programs.wqip.models import (
    OptIn,
    OptInReportContact,
    OptInVersion,
    ProgramYear,
)

VS = OptInVersion.Status
KIND_BY_STATUS: dict[str, str] = {
    VS.SUBMITTED: "opt_in_submitted",
    VS.RETURNED: "opt_in_returned",
    VS.APPROVED: "opt_in_approved",
    VS.REJECTED: "opt_in_rejected",
}


def schedule_transition_notice(
    *, opt_in: OptIn, version: OptInVersion, to: str
) -> ScheduledNotice | None:
    """The notice for a version moving to ``to``, due now; None when that status has none."""
    kind = KIND_BY_STATUS.get(to)
    if kind is None:
        return None
    return schedule_notice(
        kind=kind,
        subject=opt_in,
        facility=opt_in.facility,
        due_at=timezone.now(),
        link=reverse("wqip:opt_in_detail", args=[opt_in.pk]),
        data={
            "program_year": opt_in.program_year.label,
            "version": version.number,
            "is_amendment": version.is_amendment,
        },
    )


# --- notice kinds (portal.notifications.kinds) --------------------------------------------


def _program_year_context(notice: ScheduledNotice) -> dict[str, object]:
    """Window notices are about a ProgramYear: their templates name it."""
    return {"program_year": notice.subject} if isinstance(notice.subject, ProgramYear) else {}


def report_contact_emails(facility_id: int, year: int) -> list[str]:
    """The report contacts of the facility's approved web opt-in for the year (the people a
    WQIP report or payment notice goes to; portal.notifications.recipients.report_contacts)."""
    return list(
        OptInReportContact.objects.filter(
            opt_in__facility_id=facility_id,
            opt_in__program_year__year=year,
            opt_in__status=OptIn.Status.APPROVED,
            opt_in__source="web",
        ).values_list("email", flat=True)
    )


def _opt_in_still_open(notice: ScheduledNotice, now: datetime.datetime) -> bool:
    """Window reminders stop once the facility has submitted, or the window has closed."""
    program_year = notice.subject
    if not isinstance(program_year, ProgramYear) or program_year.opt_in_closes_on is None:
        return False
    if notice.facility_id is None:  # window reminders are scheduled per facility
        return False
    if timezone.localdate(now) > program_year.opt_in_closes_on:
        return False
    return (
        not OptIn.objects.filter(
            facility_id=notice.facility_id,
            program_year=program_year,
        )
        .exclude(status__in=[OptIn.Status.DRAFT, OptIn.Status.RETURNED])
        .exists()
    )


def _draft_untouched(notice: ScheduledNotice, now: datetime.datetime) -> bool:
    """An "incomplete" reminder (subject: the OptInVersion) stops once the version has moved
    on: a draft that was edited after the reminder was planned, a returned form that was
    resubmitted (or returned again), any version that is no longer a draft or returned."""
    from programs.wqip.models import OptInVersion

    version = notice.subject
    if not isinstance(version, OptInVersion):
        return False
    if version.status != notice.data.get("status"):
        return False
    if version.status == OptInVersion.Status.DRAFT:
        from programs.wqip.reminders import last_touched

        touched = notice.data.get("updated_at")
        return touched is None or last_touched(version) <= datetime.datetime.fromisoformat(touched)
    if version.status == OptInVersion.Status.RETURNED:
        returned = notice.data.get("returned_at")
        return returned is None or (
            version.reviewed_at is not None
            and version.reviewed_at <= datetime.datetime.fromisoformat(returned)
        )
    return False


WQIP_NOTICE_KINDS = (
    NoticeKind(
        key="opt_in_window_opening",
        label="Opt-in window opens",
        title="The {{ program_year }} opt-in window is open",
        description="When the opt-in window of a program year opens and your facility has "
        "not opted in.",
        recipients=r.facility_administrators,
        is_still_due=_opt_in_still_open,
        extra_context=_program_year_context,
    ),
    NoticeKind(
        key="opt_in_window_closing",
        label="Opt-in window closing soon",
        title="The {{ program_year }} opt-in window closes on {{ closes_on|date:'j F Y' }}",
        description="14, 7 and 1 days before the opt-in window closes, while your facility "
        "has not submitted its opt-in.",
        recipients=r.facility_administrators,
        is_still_due=_opt_in_still_open,
        extra_context=_program_year_context,
    ),
    NoticeKind(
        key="opt_in_draft_incomplete",
        label="Opt-in not submitted yet",
        title="Your {{ program_year }} opt-in{% if is_amendment %} amendment{% endif %} is "
        "not submitted yet",
        description="When a draft opt-in has not been touched for 7 days, or a returned "
        "opt-in has not been resubmitted.",
        recipients=r.facility_administrators,
        is_still_due=_draft_untouched,
    ),
    NoticeKind(
        key="opt_in_submitted",
        label="Opt-in submitted",
        title="{{ program_year }} opt-in{% if is_amendment %} amendment{% endif %} of "
        "{{ facility.name }} submitted",
        description="When your facility's opt-in form (or an amendment) is submitted for "
        "review; to the reviewing liaison and, as confirmation, the facility administrators.",
        recipients=r.assignee_and_facility_administrators,
    ),
    NoticeKind(
        key="opt_in_returned",
        label="Opt-in returned for correction",
        title="Your {{ program_year }} opt-in{% if is_amendment %} amendment{% endif %} was "
        "returned for correction",
        description="When a reviewer returns your facility's opt-in form for correction.",
        recipients=r.facility_administrators,
    ),
    NoticeKind(
        key="opt_in_approved",
        label="Opt-in approved",
        title="Your {{ program_year }} opt-in{% if is_amendment %} amendment{% endif %} was "
        "approved",
        description="When your facility's opt-in form is approved.",
        recipients=r.facility_administrators,
    ),
    NoticeKind(
        key="opt_in_rejected",
        label="Opt-in rejected",
        title="Your {{ program_year }} opt-in{% if is_amendment %} amendment{% endif %} was "
        "rejected",
        description="When your facility's opt-in form is rejected.",
        recipients=r.facility_administrators,
    ),
    NoticeKind(
        key="report_overdue",
        label="Report not published in time",
        title="A facility report is not published yet",
        description="When a report is still unpublished 20 days after the exhibit arrived.",
        recipients=r.program_admins,
        audience="plan",
    ),
)
