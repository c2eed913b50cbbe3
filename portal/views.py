from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_GET

from portal.accounts.http import AuthenticatedRequest
from portal.accounts.middleware import renew_session
from portal.home import home_panels_for, work_item_count
from portal.pagecache import PageCache

logger = logging.getLogger(__name__)


def home(request: AuthenticatedRequest) -> HttpResponse:
    """The user's work list: what needs them today, from the panels each app declares."""
    cached = PageCache(request, "portal:home")
    if cached.hit:
        return cached.response("portal/home.html")
    panels = home_panels_for(request.user)
    return cached.render(
        "portal/home.html", {"panels": panels, "work_count": work_item_count(panels)}
    )


@require_GET
def keepalive(request: AuthenticatedRequest) -> JsonResponse:
    """Touched by the idle-timeout dialog ("Stay signed in"): always renews the session."""
    renew_session(request)
    return JsonResponse({"ok": True, "expires_in": settings.SESSION_COOKIE_AGE})


def permission_denied(
    request: AuthenticatedRequest, exception: Exception | None = None
) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(
    request: AuthenticatedRequest, exception: Exception | None = None
) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return render(request, "500.html", status=500)
    except Exception:  # the layout itself failed (e.g. the database is down)
        logger.exception("500 page could not use the layout")
        body = loader.get_template("500_plain.html").render()
        return HttpResponse(body, status=500)
