"""JSON logs with the request id and the signed-in user's id on every line, and no PHI.

``RequestContextMiddleware`` (first in MIDDLEWARE) gives each request an id (the incoming
``X-Request-ID`` when it is a plain token, else a new one), returns it in ``X-Request-ID`` and
writes one ``request`` line per request: method, path (never the query string, where a search
could carry a member ID), status and milliseconds. ``UserContextMiddleware`` (after the
authentication middleware) records the user's id for every line logged while the view runs.
``RequestContextFilter`` puts both on each record; ``settings.LOGGING`` formats them as JSON.
Log lines carry ids, never names, e-mails or member IDs.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
user_id_var: contextvars.ContextVar[int | None] = contextvars.ContextVar("user_id", default=None)

REQUEST_ID_HEADER = "X-Request-ID"
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

request_logger = logging.getLogger("portal.request")


class PortalJsonFormatter(JsonFormatter):
    """JSON lines without the ``request`` object Django's loggers attach (django.request,
    django.security): its repr holds the full path with the query string."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``user_id`` (or None) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        if not hasattr(record, "user_id"):
            record.user_id = user_id_var.get()
        return True


def new_request_id(incoming: str | None) -> str:
    if incoming and _TOKEN.match(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id(request.headers.get(REQUEST_ID_HEADER))
        request_token = request_id_var.set(request_id)
        user_token = user_id_var.set(None)
        started = time.monotonic()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            request_logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            user_id_var.reset(user_token)
            request_id_var.reset(request_token)


class UserContextMiddleware:
    """After AuthenticationMiddleware: the signed-in user's id for the lines of this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_id_var.set(user.pk)
        response = self.get_response(request)
        # a sign-in or sign-out during the request: the request line names who it ends with
        user = getattr(request, "user", None)
        user_id_var.set(user.pk if user is not None and user.is_authenticated else None)
        return response


def _task_started(task_id: str | None = None, **kwargs: object) -> None:
    request_id_var.set(task_id)
    user_id_var.set(None)


def _task_finished(**kwargs: object) -> None:
    request_id_var.set(None)


def connect_task_context() -> None:
    """In a Celery worker the task's id stands for the request id of its log lines."""
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_task_started, weak=False, dispatch_uid="portal.ops.logs.started")
    task_postrun.connect(_task_finished, weak=False, dispatch_uid="portal.ops.logs.finished")
