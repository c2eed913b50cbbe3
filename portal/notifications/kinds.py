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
    # what the kind's templates get besides the notice's data (e.g. WQIP's ProgramYear)
    extra_context: Callable[[ScheduledNotice], dict[str, object]] | None = None

    @property
    def text_template(self) -> str:
        return f"notifications/{self.key}.txt"

    @property
    def html_template(self) -> str:
        return f"notifications/{self.key}.html"


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
