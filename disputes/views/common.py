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
from disputes.services.common import InvalidTransition, is_case_worker, is_facility_user
from payments.services import PaymentRunError
from portal.accounts.http import AuthenticatedRequest
from portal.accounts.models import STAFF_ROLES
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


def require_facility(user: User) -> None:
    if not is_facility_user(user):
        raise PermissionDenied("This page is for facility users.")


def require_case_worker(user: User) -> None:
    if not is_case_worker(user):
        raise PermissionDenied("This page is for LTSS liaisons and program administrators.")


def require_viewer(user: User) -> None:
    """Provider users of any kind and the plan's staff look disputes up (another
    organisation's dispute is then a 404); nobody else."""
    looks_up = user.is_authenticated and (user.is_provider_user or user.role in STAFF_ROLES)
    if not (looks_up or can_see_plan_side(user)):
        raise PermissionDenied


def dispute_for(request: AuthenticatedRequest, pk: int) -> Dispute:
    return get_object_or_404(disputes_for(user=request.user), pk=pk)
