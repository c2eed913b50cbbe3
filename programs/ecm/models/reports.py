"""The RTF and OTF files providers send, their rows, and each provider-month's score.

Every accepted file is kept: the newest of a provider, month and kind is *current* (its rows
are the month's data); the ones it replaced stay as the month's history. A month's timeliness
is that of the first file of its kind (docs/ecm-qip.md).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from portal.money import ZERO


class FileKind(models.TextChoices):
    RTF = "rtf", "RTF"
    OTF = "otf", "OTF"


class ReportFile(models.Model):
    class Source(models.TextChoices):
        UPLOAD = "upload", "Uploaded by the provider"
        IMPORT = "import", "Imported by the plan"

    provider = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, related_name="ecm_report_files"
    )
    measurement_year = models.ForeignKey(
        "ecm.MeasurementYear", on_delete=models.PROTECT, related_name="report_files"
    )
    month = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    kind = models.CharField(max_length=3, choices=FileKind.choices)
    received_at = models.DateTimeField(help_text="Receipt timestamp: decides on time or late")
    due_on = models.DateField(help_text="The due day for this month (California time)")
    on_time = models.BooleanField(help_text="This file was received by the due day")
    month_on_time = models.BooleanField(
        help_text="The month counts as on time: the first file of the month was"
    )
    is_current = models.BooleanField(default=True, help_text="The month's file in force")
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    source = models.CharField(max_length=6, choices=Source.choices, default=Source.UPLOAD)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField(default=0)
    # RTF: members counted (eligible when the month is on time); OTF: attempts
    members = models.PositiveIntegerField(default=0)
    # the file's member-level measures, {code: [numerator, denominator]}
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["provider_id", "measurement_year_id", "month", "kind", "-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "measurement_year", "month", "kind"],
                condition=Q(is_current=True),
                name="ecm_one_current_file_per_month",
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="ecm_file_month_range"
            ),
        ]
        indexes = [models.Index(fields=["measurement_year", "is_current"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} of {self.provider}"

    @property
    def period(self) -> str:
        return f"{self.measurement_year.year}-{self.month:02d}"


class RtfMember(models.Model):
    """One member row of an RTF (``data``: every column as received, by column key)."""

    file = models.ForeignKey(ReportFile, on_delete=models.CASCADE, related_name="rtf_members")
    line = models.PositiveIntegerField()
    cin = models.CharField(max_length=9)
    ecm_status = models.CharField(max_length=100)
    acuity = models.CharField(max_length=100, blank=True)
    enrollment_start = models.DateField()
    enrollment_end = models.DateField(null=True, blank=True)
    care_plan_revised = models.DateField(null=True, blank=True)
    assessment_completed = models.DateField(null=True, blank=True)
    last_encounter = models.DateField(null=True, blank=True)
    discontinuation_date = models.DateField(null=True, blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["file", "line"]
        constraints = [models.UniqueConstraint(fields=["file", "cin"], name="ecm_rtf_member_once")]

    def __str__(self) -> str:
        return f"line {self.line} of {self.file_id}"


class OtfAttempt(models.Model):
    """One outreach attempt row of an OTF."""

    file = models.ForeignKey(ReportFile, on_delete=models.CASCADE, related_name="otf_attempts")
    line = models.PositiveIntegerField()
    cin = models.CharField(max_length=9)
    attempt_date = models.DateField()
    method = models.CharField(max_length=100)
    successful = models.BooleanField()
    minutes = models.PositiveSmallIntegerField()
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["file", "line"]

    def __str__(self) -> str:
        return f"line {self.line} of {self.file_id}"


class MonthScore(models.Model):
    """A provider-month as scored from its files in force (recomputed when a file arrives or
    the year's settings change)."""

    provider = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, related_name="ecm_month_scores"
    )
    measurement_year = models.ForeignKey(
        "ecm.MeasurementYear", on_delete=models.PROTECT, related_name="month_scores"
    )
    month = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    rtf_file = models.ForeignKey(
        ReportFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    otf_file = models.ForeignKey(
        ReportFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rtf_on_time = models.BooleanField(null=True, help_text="Empty: no RTF received")
    otf_on_time = models.BooleanField(null=True, help_text="Empty: no OTF received")
    rtf_days_late = models.PositiveSmallIntegerField(default=0)
    otf_days_late = models.PositiveSmallIntegerField(default=0)
    members = models.PositiveIntegerField(default=0)
    eligible_members = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)  # {code: [numerator, denominator]}
    lines = models.JSONField(default=list)  # the engine's per-measure lines, as text
    points = models.PositiveSmallIntegerField(default=0)
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    lateness_cost = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    computed_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["provider_id", "measurement_year_id", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "measurement_year", "month"], name="ecm_month_score_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.measurement_year.year}-{self.month:02d}"

    @property
    def is_late(self) -> bool:
        return self.rtf_on_time is False or self.otf_on_time is False


class ReimbursementBase(models.Model):
    """A provider's total reimbursement for a year (imported): the 100-point model's base."""

    provider = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, related_name="ecm_reimbursements"
    )
    measurement_year = models.ForeignKey(
        "ecm.MeasurementYear", on_delete=models.PROTECT, related_name="reimbursements"
    )
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    imported_at = models.DateTimeField(auto_now=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["measurement_year_id", "provider_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "measurement_year"], name="ecm_reimbursement_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.measurement_year.year}: {self.amount}"
