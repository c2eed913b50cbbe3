"""What every dispute page shares: role checks, the dispute a user may see, service errors
as messages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404

from disputes.clocks import FilingTooLate
from disputes.models import Dispute
from disputes.selectors import (
    can_see_plan_side,
    disputes_for,
)
from disputes.services.common import InvalidTransition, is_provider_user
from payments.services import PaymentRunError
from portal.accounts.http import AuthenticatedRequest
from portal.accounts.models import STAFF_ROLES
from portal.cases.roles import is_any_case_worker, is_case_worker_of
from portal.models import User

SERVICE_ERRORS = (
    InvalidTransition,
    ValidationError,
    FilingTooLate,
    PaymentRunError,
    PermissionDenied,
)


def flash_error(request: AuthenticatedRequest, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, str(exc) or "You may not do that.")


def require_provider(user: User) -> None:
    """Users of a provider organisation of any kind (SNF facility, ECM provider) file disputes."""
    if not is_provider_user(user):
        raise PermissionDenied("This page is for provider organisations' users.")


def require_case_worker(user: User) -> None:
    """The plan's case teams (LTSS liaisons, ECM program managers, program administrators);
    each works the disputes of its kinds of organisation (checked by the services)."""
    if not is_any_case_worker(user):
        raise PermissionDenied("This page is for the plan's case workers.")


def require_viewer(user: User) -> None:
    """Provider users of any kind and the plan's staff look disputes up (another
    organisation's dispute is then a 404); nobody else."""
    looks_up = user.is_authenticated and (user.is_provider_user or user.role in STAFF_ROLES)
    if not (looks_up or can_see_plan_side(user)):
        raise PermissionDenied


def dispute_for(request: AuthenticatedRequest, pk: int) -> Dispute:
    return get_object_or_404(disputes_for(user=request.user), pk=pk)


def worked_dispute(request: AuthenticatedRequest, pk: int) -> Dispute:
    """A dispute the user's team works (a dispute of another kind of organisation the user
    may read is a 403 here)."""
    dispute = dispute_for(request, pk)
    if not is_case_worker_of(request.user, dispute.facility.kind):
        raise PermissionDenied("Another team of the plan works this dispute.")
    return dispute
