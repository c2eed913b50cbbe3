"""Who may see and do what on the IPP pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from portal.accounts.models import FINANCE_ROLES
from portal.models import Role, User
from programs.ipp.navigation import is_ipp_plan_user, is_ipp_provider


def require_plan(user: User) -> None:
    """The plan's IPP pages: program administrator and finance."""
    if not is_ipp_plan_user(user):
        raise PermissionDenied(
            "The IPP pages are for the plan's program administrator and finance."
        )


def require_program_admin(user: User) -> None:
    if not (user.is_superuser or user.role == Role.PROGRAM_ADMIN):
        raise PermissionDenied("Only the program administrator does this.")


def can_record_funds(user: User) -> bool:
    """Finance and the program administrator: the roles the core's state account accepts."""
    return user.is_superuser or user.role in FINANCE_ROLES


def require_funds(user: User) -> None:
    if not can_record_funds(user):
        raise PermissionDenied("Only finance and the program administrator record IPP money.")


def require_approver(user: User) -> None:
    """Like approving a payment run: the finance approver role, superuser or not."""
    if user.role != Role.FINANCE_APPROVER:
        raise PermissionDenied("Only a finance approver approves money going back to DHCS.")


def require_plan_or_provider(user: User) -> None:
    if not (is_ipp_plan_user(user) or is_ipp_provider(user)):
        raise PermissionDenied("IPP applications are for providers and the plan's IPP staff.")
