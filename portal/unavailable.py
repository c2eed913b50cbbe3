"""While the database is unreachable (restarting, failing over, network cut), every page
answers a plain 503 "back in a moment" page with Retry-After instead of a stack trace, and the
next request after it is back is served as usual: nothing needs restarting.

A database error raised anywhere in the request (a middleware loading the session, a view, a
template) is turned into a 500 response by Django's handler around each middleware, after the
``got_request_exception`` signal; the receiver marks the request, and the outermost middleware
swaps the 500 for the 503 page. The page is rendered without the database (no layout context
processors, no session)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
MARK = "_wqip_database_unavailable"


def _mark_database_outage(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        setattr(request, MARK, True)


got_request_exception.connect(_mark_database_outage, dispatch_uid="wqip-database-outage")


def unavailable_response() -> HttpResponse:
    retry_after = int(getattr(settings, "WQIP_RETRY_AFTER_SECONDS", 30))
    body = loader.get_template("503.html").render({"retry_after": retry_after})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """First in MIDDLEWARE: sees what every other layer answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, MARK, False):
            logger.warning("database unavailable: answered 503 for %s", request.path)
            return unavailable_response()
        return response
