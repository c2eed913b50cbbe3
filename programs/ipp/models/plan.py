"""The plan's side of IPP: program years (with the PY1 point split and the capitation the 5% cap
is checked against), submissions (one per payment), the measure catalogue of each submission,
DHCS's results, the plan's funds book (receipts, returns, offsets) and corrective action plans."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from portal.files.models import StoredUpload

AREA_CHOICES = [(1, "1"), (2, "2"), (3, "3"), (4, "4")]
DOMAIN_CHOICES = [(d, d) for d in ("1A", "2A", "2B", "3A", "3B", "3C", "4A", "4B", "4C")]


class PlanClass(models.TextChoices):
    """PY2-3: the five plan classes that set the terms of Submissions 4 and 5."""

    EXITING = "exiting", "Exiting plan"
    ENTERING = "entering", "Entering plan"
    INCUMBENT_CHANGE = "incumbent_change", "Incumbent, procurement change"
    INCUMBENT_NO_CHANGE = "incumbent_no_change", "Incumbent, no procurement change"
    ALTERNATIVE = "alternative", "Alternative plan"


class IppProgramYear(models.Model):
    number = models.PositiveSmallIntegerField(unique=True, help_text="1, 2 or 3")
    label = models.CharField(max_length=40, help_text="e.g. PY1 (CY2022)")
    starts_on = models.DateField()
    ends_on = models.DateField()
    has_community_supports = models.BooleanField(
        default=True, help_text="The plan offers Community Supports this year"
    )
    gap_filling_areas = ArrayField(
        models.PositiveSmallIntegerField(),
        default=list,
        blank=True,
        help_text="Priority areas the Gap-Filling Plan chose (comma-separated, e.g. 3,4)",
    )
    share_area_1 = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    share_area_2 = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    share_area_3 = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    share_area_4 = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    plan_class = models.CharField(
        max_length=24, choices=PlanClass.choices, blank=True, help_text="PY2-3 only"
    )
    attributable_capitation = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Approved capitation for the enrollees and services IPP covers (5% cap)",
    )

    class Meta:
        ordering = ["number"]
        verbose_name = "IPP program year"

    def __str__(self) -> str:
        return self.label or f"PY{self.number}"

    @property
    def calendar_year(self) -> int:
        """The year payment runs and the ledger file this program year under."""
        return self.starts_on.year

    def shares(self) -> dict[int, Any]:
        return {
            1: self.share_area_1,
            2: self.share_area_2,
            3: self.share_area_3,
            4: self.share_area_4,
        }


class IppSubmission(models.Model):
    program_year = models.ForeignKey(
        IppProgramYear, on_delete=models.PROTECT, related_name="submissions"
    )
    code = models.CharField(max_length=8, help_text="1, 2-A, 2-B, 3, 4 or 5")
    payment_number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The payment (1-5) this submission earns"
    )
    max_allocation = models.DecimalField(
        max_digits=16, decimal_places=2, help_text="The plan's maximum allocation for the payment"
    )
    due_on = models.DateField(null=True, blank=True)
    submitted_on = models.DateField(null=True, blank=True)
    is_interim = models.BooleanField(
        default=False, help_text="The payment was paid on an interim basis (PY1 Payment 1)"
    )
    results_recorded_at = models.DateTimeField(null=True, blank=True)
    results_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["program_year__number", "code"]
        constraints = [
            models.UniqueConstraint(fields=["program_year", "code"], name="uniq_ipp_submission")
        ]

    def __str__(self) -> str:
        return f"{self.program_year} Submission {self.code}"


class MeasureKind(models.TextChoices):
    P4R = "p4r", "Pay for reporting"
    P4P = "p4p", "Pay for performance"


class IppMeasure(models.Model):
    submission = models.ForeignKey(IppSubmission, on_delete=models.CASCADE, related_name="measures")
    code = models.CharField(max_length=20)
    priority_area = models.PositiveSmallIntegerField(choices=AREA_CHOICES)
    domain = models.CharField(max_length=2, choices=DOMAIN_CHOICES)
    name = models.CharField(max_length=300)
    mandatory = models.BooleanField(default=True)
    kind = models.CharField(max_length=3, choices=MeasureKind.choices)
    points = models.DecimalField(max_digits=8, decimal_places=2)
    tiers = models.JSONField(
        default=list,
        blank=True,
        help_text='[{"label": "50%", "points": "10"}, ...]; empty: full or none',
    )
    applicable = models.BooleanField(default=True)
    plan_class = models.CharField(
        max_length=24,
        choices=PlanClass.choices,
        blank=True,
        help_text="Submissions 4-5: the class it is for",
    )
    # DHCS's result
    reported = models.TextField(blank=True, help_text="What the plan reported")
    met = models.BooleanField(null=True, blank=True, help_text="Full-or-none: credited")
    tier = models.CharField(max_length=40, blank=True, help_text="Tiered: the tier credited")

    class Meta:
        ordering = ["submission_id", "priority_area", "code"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "code"], name="uniq_ipp_measure"),
            models.CheckConstraint(condition=Q(points__gte=0), name="ipp_measure_points"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IppLetter(StoredUpload):
    """DHCS's letter with the results of a submission (PDF)."""

    submission = models.ForeignKey(IppSubmission, on_delete=models.PROTECT, related_name="letters")

    def storage_folder(self) -> str:
        return f"ipp/submissions/{self.submission_id}"
