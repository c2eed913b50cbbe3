"""What the plan publishes (DHCS-approved Needs Assessments and Gap-Filling Plans per county
and year) and the feedback stakeholders send without an account."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from portal.files.models import StoredUpload
from programs.ipp.models.plan import IppProgramYear


class IppPublicDocument(StoredUpload):
    class Kind(models.TextChoices):
        NEEDS_ASSESSMENT = "needs_assessment", "Needs Assessment"
        GAP_FILLING_PLAN = "gap_filling_plan", "Gap-Filling Plan"

    program_year = models.ForeignKey(
        IppProgramYear, on_delete=models.PROTECT, related_name="public_documents"
    )
    county = models.CharField(max_length=40)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    dhcs_approved_on = models.DateField()

    class Meta:
        ordering = ["county", "program_year__number", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.county} {self.program_year}"

    def storage_folder(self) -> str:
        return "ipp/public"


class IppFeedback(models.Model):
    name = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    county = models.CharField(max_length=40, blank=True)
    message = models.TextField(max_length=5000)
    address_hash = models.CharField(max_length=64, db_index=True)
    received_at = models.DateTimeField(db_index=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = "IPP feedback"

    def __str__(self) -> str:
        return f"Feedback {self.pk} ({self.received_at:%Y-%m-%d})"
