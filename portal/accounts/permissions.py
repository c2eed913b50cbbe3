"""Role checks for views. Row visibility is not here: it lives in portal.registry.selectors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from portal.accounts.models import FINANCE_ROLES


def role_required(*roles: str) -> Callable[..., Any]:
    """403 unless the signed-in user has one of the roles (the role decides, not is_superuser)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if getattr(user, "role", None) not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def is_finance(user: Any) -> bool:
    """Finance analysts and approvers (and superusers): plan-wide money pages."""
    return bool(
        user.is_authenticated
        and (user.is_superuser or getattr(user, "role", None) in FINANCE_ROLES)
    )


def finance_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_finance(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
