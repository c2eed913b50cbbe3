"""Account pages: a facility administrator's users; e-mail addresses are managed by
administrators."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from portal.accounts.forms import InviteUserForm
from portal.accounts.permissions import role_required
from portal.accounts.selectors import facility_users_for
from portal.accounts.services import (
    deactivate_facility_user,
    invite_facility_user,
)
from portal.forms import ConfirmForm
from portal.models import Role


@role_required(Role.FACILITY_ADMIN)
def user_list(request: HttpRequest) -> HttpResponse:
    users = facility_users_for(admin=request.user)
    return render(request, "portal/users/user_list.html", {"users": users})


@role_required(Role.FACILITY_ADMIN)
@require_http_methods(["GET", "POST"])
def user_invite(request: HttpRequest) -> HttpResponse:
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


@role_required(Role.FACILITY_ADMIN)
@require_http_methods(["GET", "POST"])
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(facility_users_for(admin=request.user), pk=pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            deactivate_facility_user(admin=request.user, user=target)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied:
            messages.error(request, f"{target.email} has no active access to your facilities.")
        else:
            messages.success(request, f"Access of {target.email} to your facilities ended.")
        return redirect("portal:user_list")
    return render(request, "portal/users/user_deactivate.html", {"target": target, "form": form})


def email_managed_by_admin(request: HttpRequest) -> HttpResponse:
    """Replaces allauth's e-mail management: the sign-in e-mail is the identity a facility
    administrator or the plan gave the user, so users do not add or change addresses."""
    return render(request, "account/email_managed.html")
