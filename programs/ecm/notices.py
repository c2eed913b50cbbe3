"""ECM QIP's notices (portal.notifications): reports due in 5 days, due today, late; a month's
score published; a payment issued. The subject of a report reminder is the ECM provider
(``Organisation``); of a score notice, the MonthScore; of a payment notice, the provider's line
of the posted run (``payments.PaymentLine``, scheduled by ``EcmCalculator``). Notices go to
the provider's active ECM users only."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from payments.models import PaymentLine
from portal.accounts.models import ECM_PROVIDER_ROLES
from portal.models import ScheduledNotice, User
from portal.notifications.kinds import NoticeKind
from programs.ecm.models import MonthScore, ReportFile


def provider_id_of(notice: ScheduledNotice) -> int | None:
    subject = notice.subject
    if isinstance(subject, MonthScore):
        return subject.provider_id
    if isinstance(subject, PaymentLine):
        return subject.facility_id
    return notice.subject_id if subject is not None else None


def provider_users(notice: ScheduledNotice) -> QuerySet[User]:
    """The provider's active ECM staff and administrators."""
    return User.objects.filter(
        is_active=True,
        role__in=ECM_PROVIDER_ROLES,
        memberships__organisation_id=provider_id_of(notice) or 0,
        memberships__is_active=True,
    ).distinct()


def reports_still_missing(notice: ScheduledNotice, now: datetime.datetime) -> bool:
    """A report reminder is sent only while one of the month's files is still missing."""
    data = notice.data or {}
    received = set(
        ReportFile.objects.filter(
            provider_id=notice.subject_id,
            measurement_year__year=int(data.get("year") or 0),
            month=int(data.get("month") or 0),
        ).values_list("kind", flat=True)
    )
    return not {"rtf", "otf"} <= received


_REPORTS = "{{ missing }} for {{ year }}-{{ month|stringformat:'02d' }}"

ECM_NOTICE_KINDS = [
    NoticeKind(
        key="ecm_report_due_soon",
        label="ECM reports due in 5 days",
        title=_REPORTS + " due on {{ due_on|date:'j F Y' }}",
        description="Five days before a month's RTF and OTF are due, while one is missing.",
        recipients=provider_users,
        audience="ecm_provider",  # not on SNF users' preferences page
        is_still_due=reports_still_missing,
    ),
    NoticeKind(
        key="ecm_report_due_today",
        label="ECM reports due today",
        title=_REPORTS + " due today",
        description="On the due day of a month's RTF and OTF, while one is missing.",
        recipients=provider_users,
        audience="ecm_provider",  # not on SNF users' preferences page
        is_still_due=reports_still_missing,
    ),
    NoticeKind(
        key="ecm_report_late",
        label="ECM reports late",
        title=_REPORTS + " late",
        description="The day after a month's RTF or OTF was due and has not arrived.",
        recipients=provider_users,
        audience="ecm_provider",  # not on SNF users' preferences page
        is_still_due=reports_still_missing,
        is_mandatory=True,
    ),
    NoticeKind(
        key="ecm_score_published",
        label="ECM score published",
        title="ECM QIP score for {{ year }}-{{ month|stringformat:'02d' }} published",
        description="When a month's ECM QIP score is published (after its due day).",
        recipients=provider_users,
        audience="ecm_provider",  # not on SNF users' preferences page
    ),
    NoticeKind(
        key="ecm_payment_issued",
        label="ECM QIP payment issued",
        title="An ECM QIP {% if is_recoupment %}recoupment{% else %}payment{% endif %} for "
        "{{ year }} has been issued",
        description="When a payment run pays your organisation, or recoups from it, for a "
        "measurement year.",
        recipients=provider_users,
        audience="ecm_provider",  # not on SNF users' preferences page
        is_mandatory=True,
    ),
]
