"""Turning a claims or payment inquiry into a dispute (disputes.services.from_inquiry)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from disputes.forms import FromInquiryForm
from disputes.services import from_inquiry
from disputes.views.common import SERVICE_ERRORS, flash_error
from portal.accounts.http import AuthenticatedRequest
from portal.cases.roles import is_case_worker, is_facility_user
from portal.inquiries.selectors import inquiries_for


def from_inquiry_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    if not (is_facility_user(user) or is_case_worker(user)):
        raise PermissionDenied("The facility and the liaisons turn inquiries into disputes.")
    inquiry = get_object_or_404(inquiries_for(user=user), pk=pk)
    if not from_inquiry.can_convert(user=user, inquiry=inquiry):
        messages.info(request, "This inquiry cannot become a dispute.")
        return redirect(inquiry)
    form = FromInquiryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dispute = from_inquiry.convert_inquiry(
                inquiry=inquiry,
                actor=user,
                program=data["program"],
                program_year=data["program_year"],
                dispute_type=data["dispute_type"],
            )
        except SERVICE_ERRORS as exc:
            flash_error(request, exc)
        else:
            if is_facility_user(user):
                messages.success(
                    request,
                    f"Draft dispute {dispute.reference} made from inquiry "
                    f"{inquiry.case_number}. Complete and submit it: its clocks start then.",
                )
                return redirect("disputes:dispute_edit", dispute.pk)
            messages.success(
                request,
                f"Draft dispute {dispute.reference} made for the facility to complete and submit.",
            )
            return redirect(inquiry)
    return render(
        request,
        "disputes/from_inquiry.html",
        {"form": form, "inquiry": inquiry},
        status=400 if request.method == "POST" else 200,
    )
