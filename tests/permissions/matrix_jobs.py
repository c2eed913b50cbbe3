"""Permission-matrix rows for the Jobs pages (portal/jobs): finance and program staff only.
Roles, in order: anonymous, facility_staff, facility_admin, other_facility_staff,
ltss_liaison, finance_analyst, finance_approver, program_admin."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

FINANCE_ONLY = (302, 403, 403, 403, 403, 200, 200, 200)


def _failed_job(world: Any):  # type: ignore[no-untyped-def]
    from portal.models import Job
    from programs.wqip.models import BedDayComputation

    job = world.extra.get("failed_job")
    if job is None:
        computation = BedDayComputation.objects.create(
            program_year=2024, status=BedDayComputation.Status.FAILED
        )
        job = Job.objects.create(
            kind="wqip.bed_days",
            target_type="wqip.beddaycomputation",
            target_id=str(computation.pk),
            label="Bed days 2024",
            status=Job.Status.FAILED,
            attempts=3,
            error="gave up after 3 attempts: the worker stopped without finishing each time",
        )
        world.extra["failed_job"] = job
    return job


def _url(name: str):  # type: ignore[no-untyped-def]
    return lambda world: reverse(name, args=[_failed_job(world).pk])


def _job_state(world: Any) -> tuple[str, int]:
    from portal.models import Job

    job = Job.objects.get(pk=_failed_job(world).pk)
    return job.status, job.attempts


CASES = {
    "portal:job_list": (lambda world: reverse("portal:job_list"), FINANCE_ONLY),
    "portal:job_detail": (_url("portal:job_detail"), FINANCE_ONLY),
    "portal:job_status": (_url("portal:job_status"), FINANCE_ONLY),
    "portal:job_retry": (_url("portal:job_retry"), FINANCE_ONLY),
}

POST_CASES = {
    "portal:job_retry": (
        _url("portal:job_retry"),
        lambda world: {"reason": "the worker machine was restarted"},
        (302, 403, 403, 403, 403, 302, 302, 302),
        _job_state,
    ),
}
