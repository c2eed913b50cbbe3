"""Who is signing in, and from where: the two keys of sign-in throttling.

django-axes locks an *account* after ``AXES_FAILURE_LIMIT`` failures (from any address);
allauth's rate limits throttle an *address* (``ACCOUNT_RATE_LIMITS``). Both need the same
answers, so both read them here:

* the account is the e-mail typed on the sign-in form, lower-cased (allauth authenticates
  with ``email=``; axes would otherwise look for a ``login`` credential and record nothing);
* the client address is ``REMOTE_ADDR``, or, behind ``WQIP_TRUSTED_PROXY_COUNT`` proxies, the
  address the outermost trusted proxy appended to ``X-Forwarded-For`` (the same rule as
  ``ALLAUTH_TRUSTED_PROXY_COUNT``, which base settings set from the same value).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def _clean_ip(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, trusting exactly ``WQIP_TRUSTED_PROXY_COUNT`` proxies."""
    trusted = settings.WQIP_TRUSTED_PROXY_COUNT
    if trusted > 0:
        header = request.headers.get("x-forwarded-for", "")
        forwarded = header.split(",") if header else []
        if len(forwarded) >= trusted:
            found = _clean_ip(forwarded[-trusted])
            if found:
                return found
    return _clean_ip(request.META.get("REMOTE_ADDR"))


def signin_username(request: HttpRequest | None, credentials: Mapping[str, Any] | None) -> str:
    """The account a sign-in attempt is for, as django-axes records it (case-insensitive)."""
    value: object = None
    if credentials:
        value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not value and request is not None:
        data = getattr(request, "POST", None) or {}
        value = data.get("login") or data.get("email") or data.get("username")
    return str(value or "").strip().lower()[:254]
