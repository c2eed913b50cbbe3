"""Notice kinds of inquiries (registered by InquiriesConfig.ready). Titles and e-mails carry
the case number and a link only: never the subject, the message or a member reference."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from portal.accounts.models import PROVIDER_ADMIN_ROLES
from portal.models import Role, ScheduledNotice, User
from portal.notifications import recipients as r
from portal.notifications.kinds import NoticeKind
from portal.registry.models import OrganisationKind


def _team(notice: ScheduledNotice) -> list[User]:
    """The case's assignee; for the team queue (unassigned), the team of the organisation's
    kind (LTSS liaisons for SNFs, ECM program managers for ECM providers)."""
    assignee = getattr(notice.subject, "assignee", None)
    if isinstance(assignee, User):
        return [assignee]
    organisation = getattr(notice.subject, "organisation", None)
    kind = getattr(organisation, "kind", OrganisationKind.SNF)
    ecm = kind == OrganisationKind.ECM_PROVIDER
    role = Role.ECM_PROGRAM_MANAGER if ecm else Role.LTSS_LIAISON
    return list(User.objects.filter(is_active=True, role=role))


def other_side(notice: ScheduledNotice) -> Iterable[User]:
    """The side a message goes to: the plan (assignee, else the team) or the organisation (who
    opened the inquiry and its administrators)."""
    if notice.data.get("to") == "plan":
        return _team(notice)
    inquiry = notice.subject
    organisation_id = getattr(inquiry, "organisation_id", None)
    if not isinstance(organisation_id, int):
        return []
    users = list(
        User.objects.filter(
            is_active=True,
            role__in=PROVIDER_ADMIN_ROLES,
            memberships__organisation_id=organisation_id,
            memberships__is_active=True,
        )
    )
    opener = getattr(inquiry, "opened_by", None)
    if isinstance(opener, User):
        users.append(opener)
    return users


def team_escalating(notice: ScheduledNotice) -> list[User]:
    users = _team(notice)
    if notice.data.get("notify_program_admin"):
        users += list(r.program_admins(notice))
    return users


def _clock_running(notice: ScheduledNotice, now: datetime.datetime) -> bool:
    """A clock notice is due while the inquiry waits on that clock with the same due date."""
    inquiry = notice.subject
    if inquiry is None:
        return False
    clock = notice.data.get("clock")
    due_on = str(notice.data.get("due_on", ""))
    if clock == "first_reply":
        return (
            inquiry.status == "submitted"
            and inquiry.first_replied_at is None
            and str(inquiry.first_reply_due) == due_on
        )
    return inquiry.status in ("submitted", "in_progress") and str(inquiry.resolution_due) == due_on


INQUIRY_NOTICE_KINDS = (
    NoticeKind(
        key="inquiry_message",
        label="Inquiry messages",
        title="{% if event == 'answered' %}Inquiry {{ case_number }} has been answered"
        "{% elif event == 'submitted' %}New inquiry {{ case_number }}"
        "{% elif event == 'reopened' %}Inquiry {{ case_number }} was reopened"
        "{% else %}New message on inquiry {{ case_number }}{% endif %}",
        description="When the other side writes on an inquiry (a link and the case number only).",
        recipients=other_side,
    ),
    NoticeKind(
        key="inquiry_first_reply_due",
        label="Inquiry first reply due",
        title="First reply to inquiry {{ case_number }} due {{ due_on|date:'j F Y' }}",
        description="At 80% of the 2-working-day first-reply time of an inquiry you hold.",
        recipients=_team,
        audience="plan",
        is_still_due=_clock_running,
    ),
    NoticeKind(
        key="inquiry_resolution_due",
        label="Inquiry resolution due",
        title="Inquiry {{ case_number }} should be resolved by {{ due_on|date:'j F Y' }}",
        description="At 80% of the resolution target of an inquiry you hold.",
        recipients=_team,
        audience="plan",
        is_still_due=_clock_running,
    ),
    NoticeKind(
        key="inquiry_overdue",
        label="Inquiry past its target",
        title="Inquiry {{ case_number }} is past its "
        "{% if clock == 'first_reply' %}first-reply{% else %}resolution{% endif %} target",
        description="When an inquiry passes its first-reply or resolution target (also to "
        "the program administrators).",
        recipients=team_escalating,
        audience="plan",
        is_still_due=_clock_running,
    ),
)
