"""The provider side: contracted providers (SNFs and ECM / Community Supports providers) apply
for IPP-funded investments; the plan decides with reasons; an award is paid by a payment run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from portal.files.models import StoredUpload
from programs.ipp.models.plan import IppProgramYear


class IppApplication(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Awarded"
        DECLINED = "declined", "Declined"

    organisation = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, related_name="ipp_applications"
    )
    program_year = models.ForeignKey(
        IppProgramYear, on_delete=models.PROTECT, related_name="applications"
    )
    title = models.CharField(max_length=200)
    purpose = models.TextField(help_text="What the investment builds and for whom")
    priority_area = models.PositiveSmallIntegerField(
        choices=[(1, "1"), (2, "2"), (3, "3"), (4, "4")]
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    awarded_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(awarded_amount__isnull=True) | Q(awarded_amount__gt=0),
                name="ipp_award_positive",
            )
        ]

    def __str__(self) -> str:
        return f"IPP application {self.pk}: {self.title}"

    @property
    def requested(self):  # type: ignore[no-untyped-def]
        from portal.money import ZERO

        return sum((line.amount for line in self.budget_lines.all()), ZERO)


class IppBudgetLine(models.Model):
    application = models.ForeignKey(
        IppApplication, on_delete=models.CASCADE, related_name="budget_lines"
    )
    description = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ipp_budget_line_pos")
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class IppApplicationDocument(StoredUpload):
    application = models.ForeignKey(
        IppApplication, on_delete=models.PROTECT, related_name="documents"
    )

    def storage_folder(self) -> str:
        return f"ipp/applications/{self.application_id}"


class IppNeedsSurvey(models.Model):
    """A provider's answer to the plan's yearly needs survey (one per organisation and year;
    answering again replaces it)."""

    organisation = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, related_name="ipp_surveys"
    )
    program_year = models.ForeignKey(
        IppProgramYear, on_delete=models.PROTECT, related_name="surveys"
    )
    members_served = models.PositiveIntegerField(help_text="Plan members served in the year")
    staff_needed = models.PositiveIntegerField(help_text="Care staff the provider lacks")
    top_needs = models.TextField(help_text="What would most help the provider serve more members")
    barriers = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["program_year__number", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "program_year"], name="uniq_ipp_survey")
        ]

    def __str__(self) -> str:
        return f"Needs survey {self.organisation_id} {self.program_year}"
