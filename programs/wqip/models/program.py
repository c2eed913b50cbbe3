"""Program years (PY1-PY4) with their opt-in windows, and opt-in decisions."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q


class ProgramYear(models.Model):
    year = models.PositiveSmallIntegerField(unique=True, help_text="Calendar year of service")
    label = models.CharField(max_length=10, help_text="e.g. PY3")
    opt_in_opens_on = models.DateField(null=True, blank=True)
    opt_in_closes_on = models.DateField(
        null=True, blank=True, help_text="Inclusive; closes 23:59:59 America/Los_Angeles"
    )

    class Meta:
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opt_in_closes_on__gte=models.F("opt_in_opens_on"))
                | Q(opt_in_opens_on__isnull=True)
                | Q(opt_in_closes_on__isnull=True),
                name="program_year_window_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} (CY{self.year})"

    @property
    def starts_on(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def ends_on(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    def window_open_on(self, day: datetime.date) -> bool:
        if not (self.opt_in_opens_on and self.opt_in_closes_on):
            return False
        return self.opt_in_opens_on <= day <= self.opt_in_closes_on


class OptIn(models.Model):
    """A facility's opt-in for one program year (contract §1 opt_ins.csv, §4 gating)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        UNDER_REVIEW = "under_review", "Under review"
        RETURNED = "returned", "Returned for correction"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    facility = models.ForeignKey(
        "portal.Facility", on_delete=models.PROTECT, related_name="opt_ins"
    )
    program_year = models.ForeignKey(ProgramYear, on_delete=models.PROTECT, related_name="opt_ins")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(
        max_length=10, choices=[("web", "Web form"), ("import", "Bulk import")], default="web"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_opt_ins",
        help_text="LTSS liaison reviewing this opt-in",
    )
    late_submission_reason = models.TextField(
        blank=True, help_text="Program-admin override allowing submission after the window"
    )
    late_submission_allowed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    late_submission_allowed_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-program_year__year", "facility__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "program_year"], name="uniq_opt_in_per_facility_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.program_year}: {self.get_status_display()}"

    @property
    def has_late_submission_override(self) -> bool:
        return bool(self.late_submission_allowed_at)
