"""Investment applications: providers apply and see their own; the plan reads all and the
program administrator decides. An award to a SNF is paid by an IPP award payment run."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from portal.accounts.http import AuthenticatedRequest
from portal.files.responses import stored_file_response
from portal.registry.selectors import visible_organisations
from programs.ipp import selectors
from programs.ipp.forms import ApplicationForm, DecisionForm
from programs.ipp.navigation import is_ipp_plan_user, is_ipp_provider
from programs.ipp.selectors import application_for, applications_for, program_years
from programs.ipp.services.applications import (
    ApplicationError,
    decide_application,
    submit_application,
)
from programs.ipp.views.common import require_plan_or_provider, require_program_admin


def application_list(request: AuthenticatedRequest) -> HttpResponse:
    require_plan_or_provider(request.user)
    return render(
        request,
        "ipp/applications.html",
        {
            "applications": applications_for(user=request.user).prefetch_related("budget_lines"),
            "is_provider": is_ipp_provider(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def apply(request: AuthenticatedRequest) -> HttpResponse:
    if not is_ipp_provider(request.user):
        raise PermissionDenied("Providers apply; the plan decides.")
    organisations = list(visible_organisations(user=request.user).order_by("name"))
    year = program_years().last()
    if year is None:
        raise Http404("no IPP program year is open")
    form = ApplicationForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        organisation = next(o for o in organisations if o.pk == form.cleaned_data["organisation"])
        try:
            application = submit_application(
                organisation=organisation,
                program_year=year,
                title=form.cleaned_data["title"],
                purpose=form.cleaned_data["purpose"],
                priority_area=form.cleaned_data["priority_area"],
                budget_lines=form.budget_lines(),
                document=form.cleaned_data.get("document"),
                actor=request.user,
            )
        except (ApplicationError, ValidationError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Application {application.pk} sent to the plan.")
            return redirect("ipp:application", pk=application.pk)
    return render(
        request,
        "ipp/apply.html",
        {"form": form, "year": year},
        status=400 if request.method == "POST" else 200,
    )


def application_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require_plan_or_provider(request.user)
    application = application_for(user=request.user, pk=pk)
    can_decide = (
        request.user.is_superuser or request.user.role == "program_admin"
    ) and application.status == application.Status.SUBMITTED
    return render(
        request,
        "ipp/application.html",
        {
            "application": application,
            "can_decide": can_decide,
            "form": DecisionForm() if can_decide else None,
            "is_plan": is_ipp_plan_user(request.user),
            "paid_by_run": application.organisation.kind == "snf",
        },
    )


@require_http_methods(["POST"])
def decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require_plan_or_provider(request.user)
    application = application_for(user=request.user, pk=pk)
    require_program_admin(request.user)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decide_application(
                application=application,
                decision=form.cleaned_data["decision"],
                amount=form.cleaned_data.get("amount"),
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Application {application.pk} decided.")
            return redirect("ipp:application", pk=pk)
    return render(
        request,
        "ipp/application.html",
        {"application": application, "can_decide": True, "form": form, "is_plan": True},
        status=400,
    )


def document_download(request: AuthenticatedRequest, pk: int, document_id: int) -> HttpResponseBase:
    require_plan_or_provider(request.user)
    application = application_for(user=request.user, pk=pk)
    document = application.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404("no such document")
    return stored_file_response(
        document.file, filename=document.download_name, content_type=document.content_type
    )


@require_http_methods(["GET", "POST"])
def survey(request: AuthenticatedRequest) -> HttpResponse:
    """Providers answer the year's needs survey; the plan's IPP staff read the answers."""
    from programs.ipp.forms import SurveyForm
    from programs.ipp.services.applications import answer_survey

    require_plan_or_provider(request.user)
    year = program_years().last()
    if year is None:
        raise Http404("no IPP program year is open")
    if is_ipp_plan_user(request.user):
        if request.method == "POST":
            raise PermissionDenied("Providers answer the survey.")
        return render(
            request,
            "ipp/survey_answers.html",
            {
                "year": year,
                "answers": selectors.survey_answers(year=year),
            },
        )
    organisations = list(visible_organisations(user=request.user).order_by("name"))
    form = SurveyForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        organisation = next(o for o in organisations if o.pk == form.cleaned_data["organisation"])
        answer_survey(
            organisation=organisation,
            program_year=year,
            answers=form.cleaned_data,
            actor=request.user,
        )
        messages.success(request, f"Thank you: {organisation.name}'s answers for {year} are saved.")
        return redirect("ipp:applications")
    return render(
        request,
        "ipp/survey.html",
        {"form": form, "year": year},
        status=400 if request.method == "POST" else 200,
    )
