"""The notice a person gets when a job they started fails for good (the notification engine's
``job_failed`` kind, registered by the portal app)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from portal.jobs.models import Job
from portal.models import ScheduledNotice, User
from portal.notifications.kinds import NoticeKind
from portal.notifications.services import schedule_notice


def job_starter(notice: ScheduledNotice) -> list[User]:
    job = notice.subject
    starter = getattr(job, "started_by", None)
    return [starter] if starter is not None else []


def _still_failed(notice: ScheduledNotice, now: datetime.datetime) -> bool:
    return getattr(notice.subject, "status", None) == Job.Status.FAILED


JOB_NOTICE_KINDS = (
    NoticeKind(
        key="job_failed",
        label="A job you started failed",
        title="{{ job_label }} failed",
        description="When an import, computation or payment run you started fails for good.",
        recipients=job_starter,
        audience="plan",
        is_still_due=_still_failed,
    ),
)


def job_failed(job: Job) -> None:
    """Inside the transaction that fails the job: one notice to its starter (if any)."""
    if job.started_by_id is None:
        return
    from django.urls import reverse

    schedule_notice(
        kind="job_failed",
        subject=job,
        due_at=job.finished_at or timezone.now(),
        link=reverse("portal:job_detail", args=[job.pk]),
        data={"job_label": job.label, "job_id": job.pk, "error": job.error[:1000]},
    )
