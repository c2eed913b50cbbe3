"""Plan staff must have TOTP set up before they use the portal; the idle timeout; a program's
pages only for the kinds of provider it serves."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from portal.usercache import MFA_ENABLED, cached_user_value

ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/readyz")


class RequireStaffMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.requires_mfa
            and not request.path.startswith(ALLOWED_PREFIXES)
            and not cached_user_value(MFA_ENABLED, user.pk, lambda: is_mfa_enabled(user))
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)


SESSION_TOUCHED_KEY = "_idle_touched_at"


def session_seconds_left(request: HttpRequest) -> int:
    """Seconds until the idle timeout ends this session, as the server will enforce it."""
    touched = request.session.get(SESSION_TOUCHED_KEY)
    if not isinstance(touched, int):
        return settings.SESSION_COOKIE_AGE
    return max(0, settings.SESSION_COOKIE_AGE - (int(time.time()) - touched))


def renew_session(request: HttpRequest) -> None:
    """Restart the idle clock: the session row is saved with a new expiry at the response."""
    request.session[SESSION_TOUCHED_KEY] = int(time.time())


class IdleSessionMiddleware:
    """The idle timeout without a database write on every page.

    ``SESSION_SAVE_EVERY_REQUEST`` would rewrite the session row on every request; instead a
    signed-in user's session is renewed (saved, so its expiry moves to now +
    ``SESSION_COOKIE_AGE``) when it was last renewed ``WQIP_SESSION_RENEW_SECONDS`` or more ago.
    The session therefore ends between ``SESSION_COOKIE_AGE - WQIP_SESSION_RENEW_SECONDS`` and
    ``SESSION_COOKIE_AGE`` seconds after the last request; pages tell the idle dialog the exact
    time left (``session_seconds_left``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            touched = request.session.get(SESSION_TOUCHED_KEY)
            stale = not isinstance(touched, int) or (
                int(time.time()) - touched >= settings.WQIP_SESSION_RENEW_SECONDS
            )
            if stale:
                renew_session(request)
        return self.get_response(request)


class ProgramScopeMiddleware:
    """A program's pages (its URL namespace is its app label) answer 404 to a provider user
    whose organisations are of a kind the program does not serve (``ProgramConfig.serves``):
    an ECM provider's user never sees a SNF program's page, nor a SNF's user an ECM page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        from django.apps import apps

        from portal.programs import ProgramConfig

        match = request.resolver_match
        namespace = match.namespaces[0] if match and match.namespaces else ""
        config = apps.app_configs.get(namespace)
        if isinstance(config, ProgramConfig) and not config.serves(request.user):
            raise Http404("No such page.")
        return None
