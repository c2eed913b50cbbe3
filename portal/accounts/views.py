"""Account pages: a provider administrator's users (SNF or ECM provider); e-mail addresses
are managed by administrators."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from portal.accounts.forms import InviteUserForm
from portal.accounts.http import AuthenticatedRequest
from portal.accounts.models import PROVIDER_ADMIN_ROLES
from portal.accounts.permissions import role_required
from portal.accounts.selectors import facility_users_for
from portal.accounts.services import (
    deactivate_facility_user,
    invite_facility_user,
)
from portal.forms import ConfirmForm


@role_required(*PROVIDER_ADMIN_ROLES)
def user_list(request: AuthenticatedRequest) -> HttpResponse:
    users = facility_users_for(admin=request.user)
    return render(request, "portal/users/user_list.html", {"users": users})


@role_required(*PROVIDER_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def user_invite(request: AuthenticatedRequest) -> HttpResponse:
    form = InviteUserForm(request.POST if request.method == "POST" else None, admin=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = invite_facility_user(
                admin=request.user,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                facilities=list(form.cleaned_data["facilities"]),
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Invitation sent to {user.email}.")
            return redirect("portal:user_list")
    return render(request, "portal/users/user_invite.html", {"form": form})


@role_required(*PROVIDER_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def user_deactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(facility_users_for(admin=request.user), pk=pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            deactivate_facility_user(admin=request.user, user=target)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied:
            messages.error(request, f"{target.email} has no active access to your organisations.")
        else:
            messages.success(request, f"Access of {target.email} to your organisations ended.")
        return redirect("portal:user_list")
    return render(request, "portal/users/user_deactivate.html", {"target": target, "form": form})


def email_managed_by_admin(request: AuthenticatedRequest) -> HttpResponse:
    """Replaces allauth's e-mail management: the sign-in e-mail is the identity a facility
    administrator or the plan gave the user, so users do not add or change addresses."""
    return render(request, "account/email_managed.html")
