"""Reads of the notification engine; a user only ever sees their own inbox."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, QuerySet

from portal.accounts.models import FACILITY_ROLES
from portal.models import Channel, Notice, NoticePreference, User
from portal.notifications.kinds import KINDS, NoticeKind
from portal.usercache import UNREAD_NOTICES, cached_user_value


def inbox_for(*, user: User) -> QuerySet[Notice]:
    """The user's notices, unread first, newest first within each group."""
    if not user.is_authenticated:
        return Notice.objects.none()
    return (
        Notice.objects.filter(user=user)
        .select_related("facility")
        .order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id")
    )


def unread_notice_count(*, user: User | AnonymousUser) -> int:
    """The inbox badge of every page: kept in the shared cache until a notice of the user is
    written (``portal.usercache``)."""
    if not user.is_authenticated:
        return 0
    return cached_user_value(
        UNREAD_NOTICES,
        user.pk,
        lambda: Notice.objects.filter(user=user, read_at__isnull=True).count(),
    )


@dataclass(frozen=True)
class PreferenceRow:
    kind: NoticeKind
    channel: str
    is_locked: bool


def notice_preferences_for(*, user: User) -> list[PreferenceRow]:
    """One row per kind the user can receive (facility kinds for facility users, all kinds for
    plan staff), with their channel; mandatory kinds are locked to in-app + e-mail."""
    chosen = dict(NoticePreference.objects.filter(user=user).values_list("kind", "channel"))
    rows = []
    for kind in KINDS.values():
        if user.role in FACILITY_ROLES and kind.audience != "facility":
            continue
        channel = (
            Channel.IN_APP_EMAIL
            if kind.is_mandatory
            else chosen.get(kind.key, kind.default_channel)
        )
        rows.append(PreferenceRow(kind=kind, channel=channel, is_locked=kind.is_mandatory))
    return rows
