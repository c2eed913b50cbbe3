"""The in-app inbox (per user) and notification settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from portal.accounts.http import AuthenticatedRequest
from portal.notifications.forms import NoticePreferencesForm
from portal.notifications.selectors import inbox_for, notice_preferences_for, unread_notice_count
from portal.notifications.services import (
    mark_all_notices_read,
    mark_notice_read,
    set_notice_preferences,
)
from portal.params import text_param

PAGE_SIZE = 25


def inbox(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(inbox_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread_count": unread_notice_count(user=request.user)},
    )


@require_POST
def inbox_mark_read(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(inbox_for(user=request.user), pk=pk)
    mark_notice_read(user=request.user, notice_id=notice.pk)
    if request.POST.get("open") and notice.link.startswith("/"):
        return redirect(notice.link)
    return redirect(_back(request))


@require_POST
def inbox_mark_all_read(request: AuthenticatedRequest) -> HttpResponse:
    count = mark_all_notices_read(user=request.user)
    messages.success(request, f"{count} notice{'s' if count != 1 else ''} marked as read.")
    return redirect(_back(request))


def notice_preferences(request: AuthenticatedRequest) -> HttpResponse:
    rows = notice_preferences_for(user=request.user)
    form = NoticePreferencesForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        set_notice_preferences(user=request.user, channels=form.changed_channels())
        messages.success(request, "Your notification settings are saved.")
        return redirect("portal:notice_preferences")
    return render(request, "notifications/preferences.html", {"form": form})


def _back(request: AuthenticatedRequest) -> str:
    # a path on this site only ("abc" would be taken for a URL name by redirect())
    target = text_param(request.POST.get("next"), max_length=2000)
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/inbox/"
