"""IPP's notices (registered by IppConfig.ready). CAP reminders: an item's owner is told 7 days
before its due date and the day after it, while the item is not done. Each reminder has one
send day; a producer that missed days schedules it late, once (the engine's unique key).
``ipp_payment_issued``: a posted award run paid (or recouped from) a provider that is not a SNF
(the core tells SNFs); its subject is the provider's line, scheduled by ``IppAwardCalculator``,
and it goes to the provider's active users."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse

from payments.models import PaymentLine
from portal.accounts.models import ROLES_OF_KIND
from portal.calendar.dates import pacific_time
from portal.models import ScheduledNotice, User
from portal.notifications import recipients as r
from portal.notifications.kinds import NoticeKind
from portal.notifications.reminders import SEND_HOUR
from portal.notifications.services import schedule_notice
from programs.ipp.models import IppCapItem

DAYS_BEFORE = 7
OVERDUE_LOOKBACK_DAYS = 90  # reading [A]: a first run does not notify years of history


def _owner(notice: ScheduledNotice) -> Iterable[User]:
    """The item's owner; a notice about anything else goes to the program administrators."""
    subject = notice.subject
    if isinstance(subject, IppCapItem):
        return [subject.owner] if subject.owner.is_active else []
    return r.program_admins(notice)


def _open(notice: ScheduledNotice, now: datetime.datetime) -> bool:
    subject = notice.subject
    if isinstance(subject, IppCapItem):
        subject.refresh_from_db(fields=["status"])
        return subject.status != IppCapItem.Status.DONE
    return True


def _provider_users(notice: ScheduledNotice) -> QuerySet[User]:
    """The active users of the line's provider organisation, of that organisation's kind."""
    subject = notice.subject
    if not isinstance(subject, PaymentLine):
        return User.objects.none()
    return User.objects.filter(
        is_active=True,
        role__in=ROLES_OF_KIND.get(subject.facility.kind, frozenset()),
        memberships__organisation_id=subject.facility_id,
        memberships__is_active=True,
    ).distinct()


IPP_NOTICE_KINDS = (
    NoticeKind(
        key="ipp_cap_item_due",
        label="IPP corrective action due",
        title="IPP corrective action due on {{ due_on|date:'j F Y' }}",
        description="7 days before an item of an IPP corrective action plan you own is due, "
        "while it is not done.",
        recipients=_owner,
        audience="plan",
        is_still_due=_open,
    ),
    NoticeKind(
        key="ipp_cap_item_overdue",
        label="IPP corrective action overdue",
        title="IPP corrective action overdue (due {{ due_on|date:'j F Y' }})",
        description="The day after an item of an IPP corrective action plan you own was due, "
        "while it is not done.",
        recipients=_owner,
        audience="plan",
        is_still_due=_open,
    ),
    NoticeKind(
        key="ipp_payment_issued",
        label="IPP payment issued",
        title="An IPP {% if is_recoupment %}recoupment{% else %}payment{% endif %} for "
        "{{ year }} has been issued",
        description="When a payment run pays your organisation its IPP investment awards, or "
        "recoups from it.",
        recipients=_provider_users,
        audience="ecm_provider",  # SNFs get the core's payment_issued instead
        is_mandatory=True,
    ),
)


@transaction.atomic
def produce_ipp_reminders(today: datetime.date) -> int:
    scheduled = 0
    items = IppCapItem.objects.exclude(status=IppCapItem.Status.DONE).filter(
        due_on__gte=today - datetime.timedelta(days=OVERDUE_LOOKBACK_DAYS),
        cap__closed_on__isnull=True,
    )
    for item in items.select_related("cap"):
        link = reverse("ipp:caps") + f"#item-{item.pk}"
        data = {"due_on": item.due_on, "item": item.description, "cap": item.cap.title}
        before = item.due_on - datetime.timedelta(days=DAYS_BEFORE)
        if before <= today <= item.due_on:
            schedule_notice(
                kind="ipp_cap_item_due",
                subject=item,
                due_at=pacific_time(before, SEND_HOUR),
                link=link,
                data=data,
            )
            scheduled += 1
        if today > item.due_on:
            schedule_notice(
                kind="ipp_cap_item_overdue",
                subject=item,
                due_at=pacific_time(item.due_on + datetime.timedelta(days=1), SEND_HOUR),
                link=link,
                data=data,
            )
            scheduled += 1
    return scheduled
