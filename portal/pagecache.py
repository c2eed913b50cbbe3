"""The content of a busy page per user in the shared cache, under the data version every model
write moves (``portal.home.data_version``, the home panels' counter).

A view asks first; on a hit it renders only the layout around the stored blocks (idle timer
and messages: always of this request) and skips its own queries::

    page = PageCache(request, "wqip:bed_day_report")
    if page.hit:
        return page.response("wqip/bed_day_report.html")
    ...  # the queries, as before
    return page.render("wqip/bed_day_report.html", context)

``base.html`` records each page block (title, head, menus, header, content, scripts) through
the ``{% page_block %}`` tag while the page is rendered, and on a hit puts the recorded HTML
back. The menus hold the inbox badge: a notice written moves the data version like any
write. The key holds the user, the data version and the full path (query string included),
so a user only ever gets back what their own selectors gave them for the same address, and
a write (data, a membership, a role) makes every entry stale. A form's CSRF token is not
stored: the blocks are recorded with a placeholder that the tag replaces with this request's
token. Entries live ``WQIP_PAGE_CACHE_SECONDS`` at most (0: off), the bound for writes that
send no model signal. ``data`` carries what a view must still do on a hit (the drill-down's
access log row).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal.home import data_version

# in a recorded block in place of the request's CSRF token: a string no escaped text can hold
CSRF_PLACEHOLDER = mark_safe("<wqip-csrf-token>")


class PageCache:
    def __init__(self, request: HttpRequest, name: str) -> None:
        self.request = request
        self.seconds = settings.WQIP_PAGE_CACHE_SECONDS
        user = getattr(request, "user", None)
        self.enabled = bool(
            self.seconds > 0
            and request.method == "GET"
            and user is not None
            and user.is_authenticated
        )
        self.blocks: dict[str, str] = {}
        self.data: dict[str, Any] = {}
        self.hit = False
        self.key = ""
        if not self.enabled:
            return
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
        self.key = f"page:{name}:{user.pk}:{data_version()}:{path}"  # type: ignore[union-attr]
        stored = cache.get(self.key)
        if stored is not None:
            self.blocks, self.data = stored
            self.hit = True

    def response(self, template: str) -> HttpResponse:
        """The page from the stored blocks (a hit)."""
        return render(self.request, template, {"page_cache": self})

    def render(self, template: str, context: dict[str, Any]) -> HttpResponse:
        """The page rendered in full; its blocks stored for the next request (a miss)."""
        self.recording = self.enabled
        response = render(self.request, template, {**context, "page_cache": self})
        if self.enabled and response.status_code == 200:
            cache.set(self.key, (self.blocks, self.data), self.seconds)
        return response

    recording = False


def fill_csrf_token(html: str, token: object) -> SafeString:
    """A recorded block (template output, escaped when it was rendered) with this request's
    token (escaped too) in place of the placeholder."""
    return mark_safe(html.replace(CSRF_PLACEHOLDER, escape(str(token))))  # noqa: S308
