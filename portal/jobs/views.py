"""The Jobs page (finance and program staff): every long job with its state and live
progress, and Retry for a failed one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from portal.accounts.http import AuthenticatedRequest
from portal.accounts.permissions import finance_required
from portal.jobs.kinds import UnknownJobKind, get_job_kind, job_kind_label
from portal.jobs.models import Job
from portal.jobs.selectors import JOBS_PAGE_SIZE, jobs_for
from portal.jobs.services import JobNotRetryable, held_job_ids, retry_job, stale_jobs
from portal.params import int_param

STATUS_FILTERS = ("", *Job.Status.values)


def _target_url(job: Job) -> str:
    if not job.target_id:
        return ""
    try:
        kind = get_job_kind(job.kind)
    except UnknownJobKind:
        return ""
    return kind.target_url(job) if kind.target_url is not None else ""


def _silent(stale: list[int]) -> set[int]:
    """The stale jobs that no worker holds: they will be started again (a job whose worker
    is inside a long statement shows no heartbeat but is alive)."""
    return set(stale) - held_job_ids(stale)


def _row(job: Job, stale_ids: set[int]) -> dict[str, Any]:
    return {
        "job": job,
        "kind_label": job_kind_label(job.kind),
        "target_url": _target_url(job),
        "stale": job.pk in stale_ids,
    }


def status_payload(job: Job) -> dict[str, Any]:
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "done": job.is_done,
        "stage": job.stage,
        "percent": job.percent,
        "attempts": job.attempts,
    }


@finance_required
def job_list(request: AuthenticatedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    jobs = jobs_for(user=request.user)
    if status in Job.Status.values:
        jobs = jobs.filter(status=status)
    else:
        status = ""
    page = Paginator(jobs, JOBS_PAGE_SIZE).get_page(int_param(request.GET.get("page")) or 1)
    stale_ids = _silent(list(stale_jobs().values_list("pk", flat=True)))
    return render(
        request,
        "portal/jobs/job_list.html",
        {
            "rows": [_row(job, stale_ids) for job in page.object_list],
            "page": page,
            "status": status,
            "statuses": [("", "All"), *Job.Status.choices],
            "querystring": f"status={status}&" if status else "",
            "max_attempts": settings.JOBS_MAX_ATTEMPTS,
        },
    )


@finance_required
def job_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(jobs_for(user=request.user), pk=pk)
    stale_ids = _silent(list(stale_jobs().filter(pk=job.pk).values_list("pk", flat=True)))
    return render(request, "portal/jobs/job_detail.html", _row(job, stale_ids))


@finance_required
def job_status(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    job = get_object_or_404(jobs_for(user=request.user), pk=pk)
    return JsonResponse(status_payload(job))


class RetryJobForm(forms.Form):
    reason = forms.CharField(
        label="Why retry it (kept in the audit log)",
        required=False,
        max_length=500,
        widget=forms.TextInput,
    )


@finance_required
@require_http_methods(["GET", "POST"])
def job_retry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(jobs_for(user=request.user), pk=pk)
    if job.status != Job.Status.FAILED:
        messages.info(
            request,
            f"Job #{job.pk} is {job.get_status_display().lower()}: "
            "only a failed job can be retried.",
        )
        return redirect("portal:job_detail", pk=job.pk)
    form = RetryJobForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            retry_job(job=job, actor=request.user, reason=form.cleaned_data["reason"])
        except JobNotRetryable as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Job #{job.pk} ({job.label}) is queued again.")
        return redirect("portal:job_detail", pk=job.pk)
    return render(
        request,
        "portal/jobs/job_retry.html",
        {**_row(job, set()), "form": form},
    )
