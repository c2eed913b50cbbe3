"""The job record: one row per long job of any app (claims import, bed-day computation,
payment run...). The app's own row (``target``) keeps its domain fields and points here.

The kinds of job (what runs a job of the kind, what to do with the app's row when it fails or
is retried) are registered by the apps (``PortalApp.job_kinds``); they are kept beside the
model, by key, in ``JOB_KINDS`` (``portal.jobs.kinds`` fills it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

# key -> portal.jobs.kinds.JobKind, filled by portal.jobs.kinds from every app's job_kinds()
JOB_KINDS: dict[str, Any] = {}


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=60, help_text="A registered kind of job")
    # the app's row the job works on (generic: its model label and id), or only a label
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    label = models.CharField(max_length=250, blank=True)
    params = models.JSONField(
        default=dict, blank=True, help_text="What the kind needs to run it (e.g. a stored file)"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Starts so far")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Refreshed by the worker while it runs the job"
    )
    enqueued_at = models.DateTimeField(null=True, blank=True)
    stage = models.CharField(max_length=40, blank=True)
    fraction = models.FloatField(default=0.0, help_text="Progress of the stage, 0 to 1")
    summary = models.CharField(max_length=250, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"Job #{self.pk} {self.label or self.kind} ({self.status})"

    @property
    def is_done(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return max(0, min(100, round(100 * self.fraction)))

    @property
    def duration(self) -> Any:
        """How long it ran (till now while running), or None before it started."""
        from django.utils import timezone

        if self.started_at is None:
            return None
        return (self.finished_at or timezone.now()) - self.started_at
