"""Reads of jobs. Jobs are plan-wide work (imports, computations, payment runs): finance and
program staff see every job; nobody else sees any (the views refuse them)."""

from __future__ import annotations

from django.db.models import QuerySet

from portal.accounts.permissions import is_finance
from portal.jobs.models import Job
from portal.models import User

JOBS_PAGE_SIZE = 50


def jobs_for(*, user: User) -> QuerySet[Job]:
    if not is_finance(user):
        return Job.objects.none()
    return Job.objects.select_related("started_by").order_by("-created_at", "-id")
