from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.views.decorators.http import require_GET, require_http_methods

from portal import services
from portal.forms import ConfirmForm, FacilityFilterForm, InviteUserForm, ProgramYearWindowForm
from portal.middleware import renew_session
from portal.models import ProgramYear, Role
from portal.navigation import facility_links
from portal.permissions import role_required
from portal.selectors import (
    current_program_year,
    facility_counties,
    facility_dashboard_rows,
    facility_opt_in_years,
    facility_users_for,
    plan_dashboard_counts,
    program_years,
    search_facilities,
    visible_facilities,
)

logger = logging.getLogger(__name__)
FACILITY_PAGE_SIZE = 25


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    program_year = current_program_year()
    context: dict = {"program_year": program_year}  # type: ignore[type-arg]
    if user.is_facility_user:
        context["rows"] = facility_dashboard_rows(user=user, program_year=program_year)
        template = "portal/home_facility.html"
    else:
        context.update(plan_dashboard_counts(user=user, program_year=program_year))
        template = "portal/home_plan.html"
    return render(request, template, context)


@require_GET
def keepalive(request: HttpRequest) -> JsonResponse:
    """Touched by the idle-timeout dialog ("Stay signed in"): always renews the session."""
    renew_session(request)
    return JsonResponse({"ok": True, "expires_in": settings.SESSION_COOKIE_AGE})


def facility_list(request: HttpRequest) -> HttpResponse:
    form = FacilityFilterForm(request.GET or None, counties=facility_counties(user=request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    facilities = search_facilities(
        user=request.user,
        query=filters.get("q", ""),
        eligible=filters.get("eligible", ""),
        facility_type=filters.get("facility_type", ""),
        county=filters.get("county", ""),
        sort=filters.get("sort") or "name",
    )
    page = Paginator(facilities, FACILITY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/facilities/facility_list.html",
        {
            "form": form,
            "page": page,
            "total": page.paginator.count,
            "querystring": query.urlencode(),
            "is_filtered": any(
                filters.get(k) for k in ("q", "eligible", "facility_type", "county")
            ),
        },
    )


def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    facility = get_object_or_404(visible_facilities(user=request.user), pk=pk)
    years = facility_opt_in_years(facility=facility)
    liaison = getattr(facility, "liaison_assignment", None)
    return render(
        request,
        "portal/facilities/facility_detail.html",
        {
            "facility": facility,
            "years": years,
            "liaison": liaison,
            "links": facility_links(user=request.user, facility=facility),
        },
    )


def program_year_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/program_year_list.html",
        {
            "program_years": program_years(),
            "can_edit": request.user.role == Role.PROGRAM_ADMIN,
        },
    )


@role_required(Role.PROGRAM_ADMIN)
@require_http_methods(["GET", "POST"])
def program_year_edit(request: HttpRequest, pk: int) -> HttpResponse:
    program_year = get_object_or_404(ProgramYear, pk=pk)
    form = ProgramYearWindowForm(
        request.POST if request.method == "POST" else None, instance=program_year
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_program_year_window(
                program_year=program_year,
                opt_in_opens_on=form.cleaned_data["opt_in_opens_on"],
                opt_in_closes_on=form.cleaned_data["opt_in_closes_on"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Opt-in window of {program_year} saved.")
            return redirect("portal:program_year_list")
    return render(
        request, "portal/program_year_form.html", {"form": form, "program_year": program_year}
    )


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
            user = services.invite_facility_user(
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
            services.deactivate_facility_user(admin=request.user, user=target)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied:
            messages.error(request, f"{target.email} has no active access to your facilities.")
        else:
            messages.success(request, f"Access of {target.email} to your facilities ended.")
        return redirect("portal:user_list")
    return render(request, "portal/users/user_deactivate.html", {"target": target, "form": form})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return render(request, "500.html", status=500)
    except Exception:  # the layout itself failed (e.g. the database is down)
        logger.exception("500 page could not use the layout")
        body = loader.get_template("500_plain.html").render()
        return HttpResponse(body, status=500)


def email_managed_by_admin(request: HttpRequest) -> HttpResponse:
    """Replaces allauth's e-mail management: the sign-in e-mail is the identity a facility
    administrator or the plan gave the user, so users do not add or change addresses."""
    return render(request, "account/email_managed.html")
