"""Corrective action plans: the items, owners, due dates, status and documents."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from portal.accounts.http import AuthenticatedRequest
from portal.files.responses import stored_file_response
from programs.ipp import selectors
from programs.ipp.forms import CapItemForm
from programs.ipp.models import IppCapItem
from programs.ipp.services.cap import can_update, update_cap_item
from programs.ipp.views.common import require_plan


def cap_list(request: AuthenticatedRequest) -> HttpResponse:
    require_plan(request.user)
    caps = selectors.caps()
    return render(
        request,
        "ipp/caps.html",
        {
            "caps": caps,
            "statuses": IppCapItem.Status.choices,
            "editable": {
                item.pk
                for cap in caps
                for item in cap.items.all()
                if can_update(request.user, item)
            },
        },
    )


@require_http_methods(["POST"])
def cap_item_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require_plan(request.user)
    item = get_object_or_404(IppCapItem, pk=pk)
    if not can_update(request.user, item):
        raise PermissionDenied("Only the item's owner or the program administrator updates it.")
    form = CapItemForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("ipp:caps")
    try:
        update_cap_item(
            item=item,
            status=form.cleaned_data["status"],
            actor=request.user,
            note=form.cleaned_data["note"],
            document=form.cleaned_data["document"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Corrective action updated.")
    return redirect("ipp:caps")


def cap_document(request: AuthenticatedRequest, pk: int, document_id: int) -> HttpResponseBase:
    require_plan(request.user)
    document = selectors.cap_document(item_id=pk, document_id=document_id)
    return stored_file_response(
        document.file, filename=document.download_name, content_type=document.content_type
    )
