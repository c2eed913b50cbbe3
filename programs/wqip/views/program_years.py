"""Program years and their opt-in windows."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from portal.accounts.http import AuthenticatedRequest
from portal.accounts.permissions import role_required
from portal.models import Role
from programs.wqip.forms.program_years import ProgramYearWindowForm
from programs.wqip.models import ProgramYear
from programs.wqip.selectors.opt_in import (
    program_years,
)
from programs.wqip.services.program_years import update_program_year_window


def program_year_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "wqip/program_year_list.html",
        {
            "program_years": program_years(),
            "can_edit": request.user.role == Role.PROGRAM_ADMIN,
        },
    )


@role_required(Role.PROGRAM_ADMIN)
@require_http_methods(["GET", "POST"])
def program_year_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program_year = get_object_or_404(ProgramYear, pk=pk)
    form = ProgramYearWindowForm(
        request.POST if request.method == "POST" else None, instance=program_year
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_program_year_window(
                program_year=program_year,
                opt_in_opens_on=form.cleaned_data["opt_in_opens_on"],
                opt_in_closes_on=form.cleaned_data["opt_in_closes_on"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Opt-in window of {program_year} saved.")
            return redirect("wqip:program_year_list")
    return render(
        request, "wqip/program_year_form.html", {"form": form, "program_year": program_year}
    )
