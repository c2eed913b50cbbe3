"""IPP reads. Applications start from ``visible_organisations``: a provider sees its own
organisations' applications only (another's is a 404)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from portal.models import User
from portal.registry.selectors import visible_organisations
from programs.ipp.models import (
    IppApplication,
    IppCap,
    IppCapDocument,
    IppFeedback,
    IppLetter,
    IppNeedsSurvey,
    IppProgramYear,
    IppPublicDocument,
    IppSubmission,
)
from programs.ipp.navigation import is_ipp_plan_user


def applications_for(*, user: User) -> QuerySet[IppApplication]:
    applications = IppApplication.objects.select_related("organisation", "program_year")
    if is_ipp_plan_user(user):
        return applications
    return applications.filter(organisation__in=visible_organisations(user=user))


def application_for(*, user: User, pk: int) -> IppApplication:
    return get_object_or_404(
        applications_for(user=user).prefetch_related("budget_lines", "documents"), pk=pk
    )


def program_years() -> QuerySet[IppProgramYear]:
    return IppProgramYear.objects.order_by("number")


# --- plan-side reads (the views check ``require_plan`` first) --------------------------------


def caps() -> QuerySet[IppCap]:
    return IppCap.objects.select_related("program_year").prefetch_related(
        "items__owner", "items__documents"
    )


def cap_document(*, item_id: int, document_id: int) -> IppCapDocument:
    document = IppCapDocument.objects.filter(pk=document_id, item_id=item_id).first()
    if document is None:
        raise Http404("no such document")
    return document


def submission(*, pk: int) -> IppSubmission:
    return get_object_or_404(IppSubmission.objects.select_related("program_year"), pk=pk)


def letter(*, submission_id: int, letter_id: int) -> IppLetter:
    found = IppLetter.objects.filter(pk=letter_id, submission_id=submission_id).first()
    if found is None:
        raise Http404("no such letter")
    return found


def survey_answers(*, year: IppProgramYear) -> QuerySet[IppNeedsSurvey]:
    return IppNeedsSurvey.objects.filter(program_year=year).select_related("organisation")


def feedback_received() -> QuerySet[IppFeedback]:
    return IppFeedback.objects.select_related("answered_by")


# --- public reads (no sign-in) --------------------------------------------------------------


def public_documents() -> QuerySet[IppPublicDocument]:
    return IppPublicDocument.objects.select_related("program_year").order_by(
        "county", "program_year__number", "kind"
    )


def public_document(*, pk: int) -> IppPublicDocument:
    document = IppPublicDocument.objects.filter(pk=pk).first()
    if document is None:
        raise Http404("no such document")
    return document
