"""The registry of notice kinds. Each kind has a key, a title (a Django template string used
as inbox title and e-mail subject), whether users may turn its e-mail off, a recipients
resolver and the templates ``notifications/<key>.txt`` and ``notifications/<key>.html``."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, replace

from portal.models import Channel, ScheduledNotice
from portal.notifications import recipients as r

StillDue = Callable[[ScheduledNotice, datetime.datetime], bool]


class UnknownKind(LookupError):
    pass


@dataclass(frozen=True)
class NoticeKind:
    key: str
    label: str  # names the kind on the notification settings page
    title: str
    description: str
    recipients: r.Resolver
    is_mandatory: bool = False
    default_channel: str = Channel.IN_APP_EMAIL
    audience: str = "facility"  # "facility" or "plan": who sees it on the preferences page
    is_still_due: StillDue | None = None

    @property
    def text_template(self) -> str:
        return f"notifications/{self.key}.txt"

    @property
    def html_template(self) -> str:
        return f"notifications/{self.key}.html"


def _opt_in_still_open(notice: ScheduledNotice, now: datetime.datetime) -> bool:
    """Window reminders stop once the facility has submitted, or the window has closed."""
    from portal.models import OptIn, ProgramYear

    program_year = notice.subject
    if not isinstance(program_year, ProgramYear) or program_year.opt_in_closes_on is None:
        return False
    from django.utils import timezone

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
    from portal.models import OptInVersion

    version = notice.subject
    if not isinstance(version, OptInVersion):
        return False
    if version.status != notice.data.get("status"):
        return False
    if version.status == OptInVersion.Status.DRAFT:
        from portal.notifications.reminders import last_touched

        touched = notice.data.get("updated_at")
        return touched is None or last_touched(version) <= datetime.datetime.fromisoformat(touched)
    if version.status == OptInVersion.Status.RETURNED:
        returned = notice.data.get("returned_at")
        return returned is None or (
            version.reviewed_at is not None
            and version.reviewed_at <= datetime.datetime.fromisoformat(returned)
        )
    return False


def _run_still_draft(notice: ScheduledNotice, now: datetime.datetime) -> bool:
    """Payment-run notices (the subject is a payments PaymentRun, duck-typed: portal does not
    import payments) stop once the run is posted or superseded."""
    return getattr(notice.subject, "status", None) == "draft"


KINDS: dict[str, NoticeKind] = {}


def register_kind(kind: NoticeKind) -> NoticeKind:
    KINDS[kind.key] = kind
    return kind


def get_kind(key: str) -> NoticeKind:
    try:
        return KINDS[key]
    except KeyError:
        raise UnknownKind(f"unknown notice kind '{key}'") from None


def set_recipients(key: str, resolver: r.Resolver) -> None:
    """Let the app that owns a subject (e.g. disputes) supply the recipients of a kind."""
    KINDS[key] = replace(get_kind(key), recipients=resolver)


for _kind in (
    NoticeKind(
        key="opt_in_window_opening",
        label="Opt-in window opens",
        title="The {{ program_year }} opt-in window is open",
        description="When the opt-in window of a program year opens and your facility has "
        "not opted in.",
        recipients=r.facility_administrators,
        is_still_due=_opt_in_still_open,
    ),
    NoticeKind(
        key="opt_in_window_closing",
        label="Opt-in window closing soon",
        title="The {{ program_year }} opt-in window closes on {{ closes_on|date:'j F Y' }}",
        description="14, 7 and 1 days before the opt-in window closes, while your facility "
        "has not submitted its opt-in.",
        recipients=r.facility_administrators,
        is_still_due=_opt_in_still_open,
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
        key="report_published",
        label="Report published",
        title="A new WQIP payment report is available",
        description="When the plan publishes a payment report for your facility.",
        recipients=r.report_contacts,
    ),
    NoticeKind(
        key="report_overdue",
        label="Report not published in time",
        title="A facility report is not published yet",
        description="When a report is still unpublished 20 days after the exhibit arrived.",
        recipients=r.program_admins,
        audience="plan",
    ),
    NoticeKind(
        key="payment_run_awaiting_approval",
        label="Payment run awaiting approval",
        title="A payment run is waiting for your approval",
        description="When a payment run started by someone else needs approval.",
        recipients=r.finance_approvers,
        audience="plan",
        is_still_due=_run_still_draft,
    ),
    NoticeKind(
        key="payment_issued",
        label="Payment issued",
        title="A WQIP payment has been issued",
        description="When a payment or recoupment for your facility is marked issued.",
        recipients=r.report_contacts,
        is_mandatory=True,
    ),
    NoticeKind(
        key="payment_past_due",
        label="Payment due and not released",
        title="{% if is_past_due %}A WQIP payment was due on {{ due_on|date:'j F Y' }} and is "
        "past due{% else %}A WQIP payment is due on {{ due_on|date:'j F Y' }} and not "
        "released{% endif %}",
        description="10 and 3 working days before an unreleased payment is due, and when it "
        "is past due.",
        recipients=r.finance_approvers,
        audience="plan",
        is_still_due=_run_still_draft,
    ),
    NoticeKind(
        key="dispute_ack_due",
        label="Dispute acknowledgement due",
        title="Dispute acknowledgement due {{ due_at|date:'j F Y' }}",
        description="When a dispute you are assigned is not acknowledged by the end of "
        "working day 1.",
        recipients=r.case_assignee,
        audience="plan",
    ),
    NoticeKind(
        key="dispute_decision_due",
        label="Dispute decision due",
        title="Dispute decision due on {{ decision_due_on|date:'j F Y' }}",
        description="Before the decision on a dispute you are assigned is due.",
        recipients=r.case_assignee_escalating,
        audience="plan",
    ),
    NoticeKind(
        key="dispute_overdue",
        label="Dispute overdue",
        title="Dispute past its regulatory deadline",
        description="When a dispute passes its acknowledgement or decision deadline.",
        recipients=r.case_assignee_and_lead,
        audience="plan",
    ),
    NoticeKind(
        key="dispute_decision",
        label="Dispute decision",
        title="A decision has been made on your dispute",
        description="When the plan issues a written determination on a dispute.",
        recipients=r.filer_and_facility_administrators,
        is_mandatory=True,
    ),
    NoticeKind(
        key="amendment_window_closing",
        label="Dispute amendment window closing",
        title="Your dispute must be amended by {{ amend_due_on|date:'j F Y' }}",
        description="7 and 2 days before the amendment window of a returned dispute closes.",
        recipients=r.filer_and_facility_administrators,
    ),
):
    register_kind(_kind)
