"""Program settings per measurement year: the plan sees them, managers change them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts.http import AuthenticatedRequest
from programs.ecm.access import is_manager, manager_required, plan_required
from programs.ecm.forms.settings import LIST_LABELS, NewYearForm, YearSettingsForm
from programs.ecm.models import MeasurementYear
from programs.ecm.selectors.settings import measurement_years
from programs.ecm.services.settings import create_year, save_year_settings


@plan_required
def settings_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "ecm/settings_list.html",
        {
            "years": measurement_years(),
            "can_edit": is_manager(request.user),
            "new_form": NewYearForm(),
            "list_labels": LIST_LABELS,
        },
    )


@manager_required
@require_POST
def settings_create(request: AuthenticatedRequest) -> HttpResponse:
    form = NewYearForm(request.POST)
    if form.is_valid():
        try:
            year = create_year(year=form.cleaned_data["year"], actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Measurement year {year.year} created.")
            return redirect("ecm:settings_edit", year=year.year)
    else:
        messages.error(request, "Give a measurement year from 2022 to 2100.")
    return redirect("ecm:settings_list")


@manager_required
@require_http_methods(["GET", "POST"])
def settings_edit(request: AuthenticatedRequest, year: int) -> HttpResponse:
    measurement_year = get_object_or_404(measurement_years(), year=year)
    form = YearSettingsForm(
        request.POST if request.method == "POST" else None, measurement_year=measurement_year
    )
    if request.method == "POST" and form.is_valid():
        try:
            save_year_settings(
                measurement_year=measurement_year,
                values=form.values(),
                measures=form.measures(),
                bands=form.cleaned_data["bands"],
                actor=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Settings of {measurement_year} saved.")
            return redirect("ecm:settings_list")
    return render(
        request,
        "ecm/settings_form.html",
        {"form": form, "measurement_year": measurement_year, "year": MeasurementYear},
    )
