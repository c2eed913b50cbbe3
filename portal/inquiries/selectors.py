"""Reads for inquiries, scoped by user: every query starts from the organisations the user
may see, so another organisation's inquiry, attachment or message is a 404."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from portal.calendar.dates import add_working_days
from portal.cases.roles import (
    can_see_staff_side,
    case_kinds,
    is_any_case_worker,
    is_provider_user,
)
from portal.inquiries.models import (
    OPEN_STATUSES,
    Inquiry,
    InquiryAttachment,
    InquiryEvent,
    InquiryMessage,
    Status,
)
from portal.models import User
from portal.params import id_param
from portal.registry.selectors import visible_organisations

SLA_SOON_WORKING_DAYS = 2


def inquiries_for(*, user: User) -> QuerySet[Inquiry]:
    """The organisation's users see their inquiries (drafts too); the plan's staff every
    submitted one of the organisations they see; anyone else none."""
    if not (is_provider_user(user) or can_see_staff_side(user)):
        return Inquiry.objects.none()
    rows = Inquiry.objects.filter(organisation__in=visible_organisations(user=user))
    if not is_provider_user(user):
        rows = rows.exclude(status=Status.DRAFT)  # a draft is the organisation's own
    return rows.select_related("organisation", "assignee", "opened_by", "answer__author")


def attachments_for(*, user: User) -> QuerySet[InquiryAttachment]:
    return InquiryAttachment.objects.filter(inquiry__in=inquiries_for(user=user))


def messages_for(*, user: User) -> QuerySet[InquiryMessage]:
    """Messages of the inquiries the user sees; internal notes only for plan staff."""
    rows = InquiryMessage.objects.filter(inquiry__in=inquiries_for(user=user))
    if not can_see_staff_side(user):
        rows = rows.filter(visibility=InquiryMessage.Visibility.SHARED)
    return rows.select_related("author", "inquiry")


def thread_for(*, user: User, inquiry: Inquiry) -> QuerySet[InquiryMessage]:
    rows = inquiry.notes.select_related("author").prefetch_related("revisions")
    if not can_see_staff_side(user):
        rows = rows.filter(visibility=InquiryMessage.Visibility.SHARED)
    return rows


def timeline_for(*, user: User, inquiry: Inquiry) -> QuerySet[InquiryEvent]:
    rows = inquiry.events.select_related("actor")
    if not can_see_staff_side(user):
        rows = rows.filter(is_internal=False)
    return rows


def overdue_q(today: datetime.date) -> Q:
    return Q(status=Status.SUBMITTED, first_reply_due__lt=today) | Q(
        status__in=OPEN_STATUSES, resolution_due__lt=today
    )


def due_soon_q(today: datetime.date) -> Q:
    horizon = add_working_days(start=today, days=SLA_SOON_WORKING_DAYS)
    return Q(status=Status.SUBMITTED, first_reply_due__lte=horizon) | Q(
        status__in=OPEN_STATUSES, resolution_due__lte=horizon
    )


def is_overdue(inquiry: Inquiry, today: datetime.date | None = None) -> bool:
    due = inquiry.next_due
    return due is not None and due < (today or timezone.localdate())


def inquiry_queue(
    *,
    user: User,
    status: str = "",
    category: str = "",
    assignee: str = "",
    due: str = "",
) -> QuerySet[Inquiry]:
    """The liaisons' list: filters by status ("open" or one), category, assignee ("me",
    "none" or a user id) and due ("overdue", "soon"); first reply due soonest first."""
    if not is_any_case_worker(user):
        return Inquiry.objects.none()
    rows = inquiries_for(user=user).filter(organisation__kind__in=case_kinds(user))
    if status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif status:
        rows = rows.filter(status=status)
    if category:
        rows = rows.filter(category=category)
    if assignee == "me":
        rows = rows.filter(assignee=user)
    elif assignee == "none":
        rows = rows.filter(assignee__isnull=True)
    elif (assignee_id := id_param(assignee)) is not None:
        rows = rows.filter(assignee_id=assignee_id)
    today = timezone.localdate()
    if due == "overdue":
        rows = rows.filter(overdue_q(today))
    elif due == "soon":
        rows = rows.filter(due_soon_q(today)).exclude(overdue_q(today))
    return rows.order_by("first_reply_due", "resolution_due", "pk")


def sla_dashboard(*, user: User) -> dict[str, object]:
    """Open inquiries overdue and due within 2 working days, and open ones per liaison."""
    today = timezone.localdate()
    open_rows = inquiry_queue(user=user, status="open")
    overdue, soon = overdue_q(today), due_soon_q(today)
    by_liaison = (
        open_rows.values("assignee_id", "assignee__full_name", "assignee__email")
        .annotate(
            open=Count("id"),
            overdue=Count("id", filter=overdue),
            soon=Count("id", filter=soon & ~overdue),
            awaiting_reply=Count("id", filter=Q(status=Status.SUBMITTED)),
        )
        .order_by("assignee__full_name", "assignee_id")
    )
    return {
        "today": today,
        "overdue": open_rows.filter(overdue),
        "soon": open_rows.filter(soon).exclude(overdue),
        "by_liaison": list(by_liaison),
    }


def work_items_for(*, user: User) -> QuerySet[Inquiry]:
    """Open inquiries assigned to the case worker or to nobody (My work)."""
    if not is_any_case_worker(user):
        return Inquiry.objects.none()
    return inquiry_queue(user=user, status="open").filter(
        Q(assignee=user) | Q(assignee__isnull=True)
    )


def open_inquiries_of(*, user: User) -> QuerySet[Inquiry]:
    """An organisation user's open inquiries (home page)."""
    return inquiries_for(user=user).filter(status__in=OPEN_STATUSES).order_by("submitted_at")


def latest_answer_of(*, user: User) -> Inquiry | None:
    """The organisation's most recently answered inquiry (home page)."""
    return (
        inquiries_for(user=user)
        .filter(status=Status.CLOSED, answer__isnull=False)
        .order_by("-closed_at")
        .first()
    )
