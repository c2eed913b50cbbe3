"""The liaison's "My work" page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from portal.accounts.http import AuthenticatedRequest
from portal.cases.roles import is_any_case_worker
from portal.cases.work import my_work
from portal.params import text_param


def my_work_page(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not is_any_case_worker(user):
        raise PermissionDenied("This page is for LTSS liaisons and program administrators.")
    filters = {
        name: text_param(request.GET.get(name), max_length=60)
        for name in ("kind", "state", "holder", "due")
    }
    work = my_work(user=user, **filters)
    return render(request, "cases/my_work.html", {"work": work, "filters": filters})
