from functools import cache, partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from portal.accounts.middleware import session_seconds_left
from portal.navigation import nav_for
from portal.notifications.selectors import unread_notice_count


def portal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        "session_timeout_seconds": (
            session_seconds_left(request)
            if hasattr(request, "session")
            else settings.SESSION_COOKIE_AGE
        ),
        "session_warning_seconds": settings.WQIP_IDLE_WARNING_SECONDS,
        # callables: drawn only when the page shows them (not from portal.pagecache)
        "main_nav": cache(partial(nav_for, request)) if hasattr(request, "user") else [],
        # a callable: the query runs only on pages that show the inbox badge
        "unread_notice_count": cache(partial(unread_notice_count, user=user)),
    }
