"""Test-only middleware: learn which query parameters and form fields a view reads.

It swaps ``request.GET`` and ``request.POST`` for copies that remember every key looked up
(``[key]``, ``get``, ``getlist``, ``in``, ``pop``); after the request the test reads them from
``response.wsgi_request``. Nothing is kept by hand, so a new page's parameters are found too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict

MIDDLEWARE_PATH = "tests.security.recording.RecordingMiddleware"


class RecordingQueryDict(QueryDict):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.looked_up: set[str] = set()

    @classmethod
    def wrapping(cls, original: QueryDict) -> RecordingQueryDict:
        wrapped = cls(mutable=True, encoding=original.encoding)
        for key, values in original.lists():
            wrapped.setlist(key, values)
        wrapped._mutable = False
        return wrapped

    def __getitem__(self, key: str) -> Any:
        self.looked_up.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.looked_up.add(key)
        return super().__contains__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.looked_up.add(key)
        return super().get(key, default)

    def getlist(self, key: str, default: Any = None) -> list[Any]:
        self.looked_up.add(key)
        return super().getlist(key, default)

    def pop(self, key: str | bytes, *args: Any) -> Any:
        if isinstance(key, str):
            self.looked_up.add(key)
        return super().pop(key, *args)


class RecordingMiddleware:
    """Last in MIDDLEWARE, so only what the view (and its forms) reads is recorded."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # the stubs type GET and POST as their own immutable QueryDict class
        request.GET = RecordingQueryDict.wrapping(request.GET)  # type: ignore[assignment]
        request.POST = RecordingQueryDict.wrapping(request.POST)  # type: ignore[assignment]
        return self.get_response(request)


def keys_read(response: HttpResponse) -> tuple[set[str], set[str]]:
    """The query parameters and the form fields the view read while answering ``response``."""
    request = getattr(response, "wsgi_request", None)
    return (
        set(getattr(getattr(request, "GET", None), "looked_up", ())),
        set(getattr(getattr(request, "POST", None), "looked_up", ())),
    )
