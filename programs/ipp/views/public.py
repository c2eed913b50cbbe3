"""The public IPP page (no sign-in): the DHCS-approved Needs Assessments and Gap-Filling Plans
per county and year, and the stakeholder feedback form; the plan's feedback inbox."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from portal.accounts.http import AuthenticatedRequest
from portal.accounts.signin import client_ip
from portal.files.responses import stored_file_response
from programs.ipp import selectors
from programs.ipp.forms import AnswerForm, FeedbackForm, PublicDocumentForm
from programs.ipp.models import IppFeedback
from programs.ipp.selectors import program_years
from programs.ipp.services.public import (
    FeedbackRefused,
    answer_feedback,
    check_token,
    form_token,
    publish_document,
    receive_feedback,
)
from programs.ipp.views.common import require_plan, require_program_admin


def _public_context(form: FeedbackForm | None = None) -> dict:  # type: ignore[type-arg]
    documents = selectors.public_documents()
    return {
        "counties": [
            (county, list(docs)) for county, docs in groupby(documents, key=lambda d: d.county)
        ],
        "form": form or FeedbackForm(initial={"shown": form_token()}),
    }


@login_not_required
@require_http_methods(["GET", "POST"])
def public_page(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "ipp/public.html", _public_context())
    form = FeedbackForm(request.POST)
    if form.is_valid():
        if form.cleaned_data["website"]:
            # the honeypot was filled: a robot. Answer as if stored; store nothing.
            return redirect("ipp:public_thanks")
        try:
            check_token(form.cleaned_data["shown"])
            receive_feedback(address=client_ip(request) or "unknown", data=form.cleaned_data)
        except FeedbackRefused as exc:
            form.add_error(None, str(exc))
            fresh = FeedbackForm(
                data={**request.POST.dict(), "shown": form_token()},
            )
            fresh.is_valid()
            fresh.add_error(None, str(exc))
            return render(request, "ipp/public.html", _public_context(fresh), status=429)
        return redirect("ipp:public_thanks")
    return render(request, "ipp/public.html", _public_context(form), status=400)


@login_not_required
def public_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "ipp/public_thanks.html")


@login_not_required
def public_document(request: HttpRequest, pk: int) -> HttpResponseBase:
    document = selectors.public_document(pk=pk)
    return stored_file_response(
        document.file, filename=document.download_name, content_type=document.content_type
    )


def feedback_list(request: AuthenticatedRequest) -> HttpResponse:
    require_plan(request.user)
    return render(
        request,
        "ipp/feedback.html",
        {
            "feedback": selectors.feedback_received()[:200],
            "can_answer": request.user.is_superuser or request.user.role == "program_admin",
            "answer_form": AnswerForm(),
            "document_form": PublicDocumentForm(years=program_years()),
        },
    )


@require_http_methods(["POST"])
def feedback_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require_plan(request.user)
    require_program_admin(request.user)
    feedback = get_object_or_404(IppFeedback, pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        answer_feedback(feedback=feedback, answer=form.cleaned_data["answer"], actor=request.user)
        messages.success(request, "Answer saved.")
    else:
        messages.error(request, "Write the answer first.")
    return redirect("ipp:feedback_list")


@require_http_methods(["POST"])
def document_publish(request: AuthenticatedRequest) -> HttpResponse:
    require_plan(request.user)
    require_program_admin(request.user)
    years = list(program_years())
    form = PublicDocumentForm(request.POST, request.FILES, years=years)
    if form.is_valid():
        publish_document(
            program_year=next(y for y in years if y.pk == form.cleaned_data["program_year"]),
            county=form.cleaned_data["county"],
            kind=form.cleaned_data["kind"],
            approved_on=form.cleaned_data["dhcs_approved_on"],
            upload=form.cleaned_data["file"],
            actor=request.user,
        )
        messages.success(request, "Document published on the public page.")
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("ipp:feedback_list")
