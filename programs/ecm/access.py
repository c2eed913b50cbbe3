"""Who may use ECM QIP pages. A user of another program gets 404 (the pages do not exist for
them, as another provider's object does not); row visibility is in the selectors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from portal.accounts.models import ECM_PROVIDER_ROLES
from portal.models import Role

# the plan's people who run the program (settings, imports for a provider, publishing)
MANAGER_ROLES = frozenset({Role.ECM_PROGRAM_MANAGER, Role.PROGRAM_ADMIN})
# the plan's people who see every provider's files and scores
PLAN_ROLES = MANAGER_ROLES | {Role.FINANCE_ANALYST, Role.FINANCE_APPROVER}
# the provider's people (their own organisation only: programs.ecm.selectors.providers)
PROVIDER_ROLES: frozenset[str] = ECM_PROVIDER_ROLES


def is_manager(user: Any) -> bool:
    return bool(user.is_authenticated and getattr(user, "role", None) in MANAGER_ROLES)


def is_plan(user: Any) -> bool:
    return bool(user.is_authenticated and getattr(user, "role", None) in PLAN_ROLES)


def is_provider(user: Any) -> bool:
    return bool(user.is_authenticated and getattr(user, "role", None) in PROVIDER_ROLES)


def uses_ecm(user: Any) -> bool:
    return is_plan(user) or is_provider(user)


def can_send_files(user: Any) -> bool:
    """Providers send their own files; the plan's managers import files for a provider."""
    return is_provider(user) or is_manager(user)


def _guard(check: Callable[[Any], bool]) -> Callable[..., Any]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


ecm_required = _guard(uses_ecm)
sender_required = _guard(can_send_files)
plan_required = _guard(is_plan)
manager_required = _guard(is_manager)
