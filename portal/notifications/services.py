"""Writes of the notification engine: schedule, cancel, sweep (send exactly once), deliver
e-mail from the outbox, read marks and preferences."""

from __future__ import annotations

import contextlib
import datetime
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection as db_connection
from django.db import models, transaction
from django.db.models import Q
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import timezone

from portal.audit.services import record_event
from portal.home import bump_home_version
from portal.models import (
    Channel,
    Facility,
    Notice,
    NoticePreference,
    Organisation,
    OrganisationKind,
    OutboundEmail,
    ScheduledNotice,
    User,
)
from portal.notifications.kinds import NoticeKind, get_kind
from portal.notifications.recipients import active_member_ids, allowed_recipients
from portal.usercache import UNREAD_NOTICES, forget_user_value

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_DELAY = datetime.timedelta(minutes=10)
SWEEP_BATCH_SIZE = 50


class MandatoryKind(ValueError):
    pass


def _json_safe(data: dict[str, Any] | None) -> dict[str, Any]:
    import json

    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def _facility_of(subject: models.Model) -> Facility | None:
    """The SNF a subject is about (itself, or its ``facility``: a SNF's organisation row too,
    e.g. a dispute's, which may also be another kind of organisation's: then None)."""
    if isinstance(subject, Facility):
        return subject
    facility = getattr(subject, "facility", None)
    if isinstance(facility, Facility):
        return facility
    if isinstance(facility, Organisation) and facility.kind == OrganisationKind.SNF:
        return Facility.objects.filter(pk=facility.pk).first()
    return None


@transaction.atomic
def schedule_notice(
    *,
    kind: str,
    subject: models.Model,
    due_at: datetime.datetime,
    facility: Facility | None = None,
    link: str = "",
    data: dict[str, Any] | None = None,
) -> ScheduledNotice:
    """Record that ``kind`` is due about ``subject`` at ``due_at``; call it inside the
    transaction of the event that sets the clock. Idempotent: the same (kind, subject,
    facility, due_at) returns the existing row. ``facility`` defaults to the subject's."""
    get_kind(kind)  # unknown kinds fail here, not in the sweeper
    if timezone.is_naive(due_at):
        raise ValueError("due_at must be timezone-aware")
    facility = facility if facility is not None else _facility_of(subject)
    notice, _ = ScheduledNotice.objects.get_or_create(
        kind=kind,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        facility=facility,
        due_at=due_at,
        defaults={"link": link, "data": _json_safe(data)},
    )
    return notice


@dataclass(frozen=True)
class PlannedNotice:
    """One row for ``schedule_notices``."""

    subject: models.Model
    facility: Facility | None = None
    link: str = ""
    data: dict[str, Any] | None = None


@transaction.atomic
def schedule_notices(*, kind: str, due_at: datetime.datetime, notices: list[PlannedNotice]) -> int:
    """``schedule_notice`` for many subjects at once (e.g. one notice per facility of a
    payment run) in one INSERT; rows that already exist are left alone. Returns the number of
    rows asked for."""
    get_kind(kind)
    if timezone.is_naive(due_at):
        raise ValueError("due_at must be timezone-aware")
    rows = [
        ScheduledNotice(
            kind=kind,
            subject_type=ContentType.objects.get_for_model(planned.subject),
            subject_id=planned.subject.pk,
            facility=planned.facility
            if planned.facility is not None
            else _facility_of(planned.subject),
            due_at=due_at,
            link=planned.link,
            data=_json_safe(planned.data),
        )
        for planned in notices
    ]
    ScheduledNotice.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def reminder_due_at(
    *,
    deadline_on: datetime.date,
    working_days_before: int = 0,
    hour: int = 8,
    holidays: set[datetime.date] | None = None,
) -> datetime.datetime:
    """When a reminder ``working_days_before`` a deadline goes out (08:00 Pacific), e.g. the
    dispute decision-due reminder 5 working days before ``decision_due``."""
    from portal.calendar.dates import (
        add_working_days,
        pacific_time,
    )

    day = add_working_days(start=deadline_on, days=-working_days_before, holidays=holidays)
    return pacific_time(day, hour)


@transaction.atomic
def cancel_scheduled_notices(
    *, subject: models.Model, kinds: list[str] | None = None, reason: str = ""
) -> int:
    """Cancel pending reminders about ``subject`` (e.g. a dispute was acknowledged)."""
    rows = ScheduledNotice.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        state=ScheduledNotice.State.PENDING,
    )
    if kinds is not None:
        rows = rows.filter(kind__in=kinds)
    cancelled = rows.update(state=ScheduledNotice.State.CANCELLED, last_error=reason[:500])
    return cancelled


@transaction.atomic
def cancel_scheduled_notices_by_id(*, ids: list[int], actor: User) -> int:
    """Admin action: cancel the selected pending rows."""
    count = ScheduledNotice.objects.filter(pk__in=ids, state=ScheduledNotice.State.PENDING).update(
        state=ScheduledNotice.State.CANCELLED, last_error=f"cancelled by {actor}"[:500]
    )
    record_event(
        actor=actor,
        action="scheduled_notices.cancelled",
        reason="admin cancel",
        data={"ids": sorted(ids), "count": count},
    )
    return count


@transaction.atomic
def retry_scheduled_notices(*, ids: list[int], actor: User) -> int:
    """Admin action: failed (or cancelled) rows go back to pending with a fresh budget."""
    rows = (
        ScheduledNotice.objects.select_for_update()
        .filter(pk__in=ids)
        .exclude(state=ScheduledNotice.State.SENT)
    )
    count = rows.update(state=ScheduledNotice.State.PENDING, attempts=0, retry_at=None)
    record_event(
        actor=actor,
        action="scheduled_notices.retried",
        reason="admin retry",
        data={"ids": sorted(ids), "count": count},
    )
    return count


# --- rendering --------------------------------------------------------------------------------


def _typed(data: dict[str, Any]) -> dict[str, Any]:
    """JSON data back to dates/datetimes by name: ``*_on`` dates, ``*_at`` datetimes."""
    typed: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, str) and key.endswith("_on"):
            with contextlib.suppress(ValueError):
                value = datetime.date.fromisoformat(value)
        elif isinstance(value, str) and key.endswith("_at"):
            with contextlib.suppress(ValueError):
                value = datetime.datetime.fromisoformat(value)
        typed[key] = value
    return typed


def _link_for(notice: ScheduledNotice) -> str:
    if notice.link:
        return notice.link
    get_url = getattr(notice.subject, "get_absolute_url", None)
    return get_url() if callable(get_url) else ""


def _context(notice: ScheduledNotice, recipient: User, link: str) -> dict[str, Any]:
    subject = notice.subject
    context: dict[str, Any] = {
        "subject": subject,
        "facility": notice.facility,
        "recipient": recipient,
        "due_at": timezone.localtime(notice.due_at),
        "link": link,
        "absolute_link": f"{settings.WQIP_SITE_URL.rstrip('/')}{link}" if link else "",
        "site_url": settings.WQIP_SITE_URL,
        "inbox_url": f"{settings.WQIP_SITE_URL.rstrip('/')}/inbox/",
    }
    kind = get_kind(notice.kind)
    if kind.extra_context is not None:
        context.update(kind.extra_context(notice))
    context.update(_typed(notice.data))
    return context


@dataclass(frozen=True)
class RenderedNotice:
    title: str
    text: str
    html: str


def render_notice(kind: NoticeKind, context: dict[str, Any]) -> RenderedNotice:
    title: str = Template(kind.title).render(Context(context, autoescape=False))
    title = " ".join(title.split())[:200]
    context = {**context, "title": title}
    return RenderedNotice(
        title=title,
        text=render_to_string(kind.text_template, context),
        html=render_to_string(kind.html_template, context),
    )


def channel_for(*, user: User, kind: NoticeKind, chosen: dict[str, str] | None = None) -> str:
    """The user's channel for ``kind``; ``chosen`` (all the user's preferences) saves a query."""
    if kind.is_mandatory:
        return Channel.IN_APP_EMAIL
    if chosen is None:
        chosen = dict(NoticePreference.objects.filter(user=user).values_list("kind", "channel"))
    return chosen.get(kind.key) or kind.default_channel


@dataclass
class _BatchCache:
    """Lookups shared by the rows of one claimed batch (same transaction, same snapshot)."""

    members: dict[int, set[int]] = field(default_factory=dict)
    preferences: dict[int, dict[str, str]] = field(default_factory=dict)

    def facility_members(self, facility_id: int | None) -> set[int] | None:
        if facility_id is None:
            return None
        if facility_id not in self.members:
            self.members[facility_id] = active_member_ids(facility_id=facility_id)
        return self.members[facility_id]

    def channels(self, user: User) -> dict[str, str]:
        if user.pk not in self.preferences:
            self.preferences[user.pk] = dict(
                NoticePreference.objects.filter(user=user).values_list("kind", "channel")
            )
        return self.preferences[user.pk]


def _prefetch_subjects(rows: list[ScheduledNotice]) -> None:
    """One query per subject type instead of one per row."""
    subject_field = ScheduledNotice._meta.get_field("subject")
    by_type: dict[int, list[ScheduledNotice]] = {}
    for row in rows:
        by_type.setdefault(row.subject_type_id, []).append(row)
    for type_id, typed_rows in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        found = model._base_manager.in_bulk({row.subject_id for row in typed_rows})
        for row in typed_rows:
            subject_field.set_cached_value(row, found.get(row.subject_id))


# --- sending ----------------------------------------------------------------------------------


def _send(notice: ScheduledNotice, now: datetime.datetime, cache: _BatchCache | None = None) -> str:
    """Write the notices (and outbox e-mails) of one claimed row and mark it; returns the new
    state. Runs inside the claiming transaction."""
    kind = get_kind(notice.kind)
    cache = cache or _BatchCache()
    if notice.subject is None:
        notice.state = ScheduledNotice.State.CANCELLED
        notice.last_error = "subject no longer exists"
    elif kind.is_still_due is not None and not kind.is_still_due(notice, now):
        notice.state = ScheduledNotice.State.CANCELLED
        notice.last_error = "no longer due"
    else:
        users = allowed_recipients(
            kind.recipients(notice),
            facility_id=notice.facility_id,
            facility_members=cache.facility_members(notice.facility_id),
        )
        link = _link_for(notice)
        for user in users:
            rendered = render_notice(kind, _context(notice, user, link))
            inbox_row = Notice.objects.create(
                user=user,
                kind=kind.key,
                title=rendered.title,
                body=rendered.text,
                link=link,
                facility_id=notice.facility_id,
                scheduled=notice,
            )
            channel = channel_for(user=user, kind=kind, chosen=cache.channels(user))
            if user.email and channel == Channel.IN_APP_EMAIL:
                OutboundEmail.objects.create(
                    notice=inbox_row,
                    to=user.email,
                    subject=rendered.title,
                    body_text=rendered.text,
                    body_html=rendered.html,
                    message_id=f"<notice-{notice.pk}-user-{user.pk}@{settings.WQIP_MAIL_DOMAIN}>",
                )
        notice.state = ScheduledNotice.State.SENT
        notice.sent_at = now
        notice.recipient_count = len(users)
        notice.last_error = ""
    notice.save(update_fields=["state", "sent_at", "recipient_count", "last_error"])
    return notice.state


def _record_failure(notice: ScheduledNotice, exc: Exception, now: datetime.datetime) -> None:
    notice.attempts += 1
    notice.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if notice.attempts >= MAX_ATTEMPTS:
        notice.state = ScheduledNotice.State.FAILED
        notice.retry_at = None
    else:
        notice.retry_at = now + RETRY_DELAY * (2 ** (notice.attempts - 1))
    notice.save(update_fields=["attempts", "last_error", "state", "retry_at"])


@dataclass
class SweepResult:
    sent: int = 0
    cancelled: int = 0
    failed: int = 0
    emails_sent: int = 0
    emails_failed: int = 0
    seconds: float = 0.0
    batches: int = 0
    states: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return (
            f"{self.sent} sent, {self.cancelled} cancelled, {self.failed} failed, "
            f"{self.emails_sent} e-mails in {self.seconds:.2f} s"
        )


def _claim(batch_size: int, now: datetime.datetime) -> list[ScheduledNotice]:
    return list(
        ScheduledNotice.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("facility")
        .filter(state=ScheduledNotice.State.PENDING, due_at__lte=now)
        .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
        .order_by("due_at", "id")[:batch_size]
    )


def sweep_due_notices(
    *,
    batch_size: int = SWEEP_BATCH_SIZE,
    max_batches: int | None = None,
    now: datetime.datetime | None = None,
    deliver_emails: bool = True,
    progress: Callable[[str, float], None] | None = None,
) -> SweepResult:
    """Send every due reminder exactly once.

    Each batch is one transaction: claim up to ``batch_size`` due rows with ``FOR UPDATE SKIP
    LOCKED`` (a concurrent sweeper takes other rows), write each row's notices and outbox
    e-mails and mark it sent, commit. A crash before commit releases the locks and leaves the
    rows pending for the next sweep; after commit they are sent. A failing row is rolled back
    to its savepoint and retried later with backoff, up to MAX_ATTEMPTS.
    """
    started = time.monotonic()
    result = SweepResult()
    while max_batches is None or result.batches < max_batches:
        moment = now or timezone.now()
        with transaction.atomic():
            claimed = _claim(batch_size, moment)
            if not claimed:
                break
            result.batches += 1
            _prefetch_subjects(claimed)
            cache = _BatchCache()
            for notice in claimed:
                try:
                    with transaction.atomic():
                        state = _send(notice, moment, cache)
                except Exception as exc:
                    logger.exception("scheduled notice %s failed", notice.pk)
                    notice.refresh_from_db()
                    _record_failure(notice, exc, moment)
                    result.failed += 1
                    continue
                if state == ScheduledNotice.State.SENT:
                    result.sent += 1
                else:
                    result.cancelled += 1
            if progress:  # inside the batch's transaction (a job's heartbeat)
                progress("sending", 0.5)
    if deliver_emails:
        delivered = deliver_outbound_emails(batch_size=batch_size)
        result.emails_sent, result.emails_failed = delivered
    result.seconds = time.monotonic() - started
    return result


EMAIL_LOCK_CLASS = 7_340_100  # pg advisory lock (class, e-mail id): one sender per e-mail


@contextlib.contextmanager
def _email_claim(email_id: int):  # type: ignore[no-untyped-def]
    """A session-level advisory lock on one outbox e-mail: no row lock, no open transaction,
    so nothing waits on the e-mail's row while the SMTP server is slow."""
    key = [EMAIL_LOCK_CLASS, email_id & 0x7FFFFFFF]
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            with db_connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


def deliver_outbound_emails(*, batch_size: int = SWEEP_BATCH_SIZE) -> tuple[int, int]:
    """Hand pending outbox e-mails to Django's e-mail backend (EMAIL_TIMEOUT bounds each SMTP
    conversation). Called outside any transaction: while the SMTP server is spoken to, no row
    lock is held and no transaction is open; each e-mail is claimed with an advisory lock, read
    again (a concurrent sender may have sent it), sent, then marked sent by one short UPDATE.
    At the SMTP boundary delivery is at-least-once: a crash between the server's acceptance
    and the update resends the same Message-ID."""
    sent = failed = 0
    connection = get_connection()
    while True:
        pending = list(
            OutboundEmail.objects.filter(state=OutboundEmail.State.PENDING)
            .order_by("id")
            .values_list("id", flat=True)[:batch_size]
        )
        progressed = False
        for email_id in pending:
            with _email_claim(email_id) as claimed:
                if not claimed:
                    continue  # another sender has it
                row = OutboundEmail.objects.filter(
                    pk=email_id, state=OutboundEmail.State.PENDING
                ).first()
                if row is None:
                    continue
                progressed = True
                message = EmailMultiAlternatives(
                    subject=row.subject,
                    body=row.body_text,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[row.to],
                    headers={"Message-ID": row.message_id},
                    connection=connection,
                )
                if row.body_html:
                    message.attach_alternative(row.body_html, "text/html")
                try:
                    message.send()
                except Exception as exc:
                    attempts = row.attempts + 1
                    state = (
                        OutboundEmail.State.FAILED
                        if attempts >= MAX_ATTEMPTS
                        else OutboundEmail.State.PENDING
                    )
                    OutboundEmail.objects.filter(pk=row.pk).update(
                        attempts=attempts,
                        last_error=f"{type(exc).__name__}: {exc}"[:2000],
                        state=state,
                    )
                    failed += 1
                    if state != OutboundEmail.State.FAILED:
                        return sent, failed  # SMTP trouble: leave the rest for the next sweep
                    continue
                OutboundEmail.objects.filter(pk=row.pk).update(
                    state=OutboundEmail.State.SENT, sent_at=timezone.now()
                )
                sent += 1
        if not progressed:
            break
    return sent, failed


# --- inbox ------------------------------------------------------------------------------------


@transaction.atomic
def mark_notice_read(*, user: User, notice_id: int) -> Notice:
    notice = Notice.objects.select_for_update().get(pk=notice_id, user=user)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


@transaction.atomic
def mark_all_notices_read(*, user: User) -> int:
    marked = Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    # update() sends no signal: the badge's count and the pages drawn with it are stale
    forget_user_value(UNREAD_NOTICES, user.pk)
    bump_home_version()
    return marked


@transaction.atomic
def set_notice_preferences(*, user: User, channels: dict[str, str]) -> int:
    """Save the user's channel per kind; mandatory kinds cannot be changed."""
    changed = 0
    for key, channel in channels.items():
        kind = get_kind(key)
        if kind.is_mandatory:
            if channel != Channel.IN_APP_EMAIL:
                raise MandatoryKind(f"'{kind.key}' notices are always sent by e-mail")
            continue
        if channel not in Channel.values:
            raise ValueError(f"unknown channel '{channel}'")
        NoticePreference.objects.update_or_create(
            user=user, kind=key, defaults={"channel": channel}
        )
        changed += 1
    if changed:
        record_event(
            actor=user,
            action="notice_preferences.changed",
            target=user,
            data={"channels": channels},
        )
    return changed
