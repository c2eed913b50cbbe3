"""Payment runs (contract §4): one program year, one exhibit; a draft until approved."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from payments.models.rates import ExhibitKind, PerDiemExhibit


class PaymentRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        DRAFT = "draft", "Draft"
        POSTED = "posted", "Approved and posted"
        SUPERSEDED = "superseded", "Superseded"
        FAILED = "failed", "Failed"

    class Via(models.TextChoices):
        WEB = "web", "Web"
        CLI = "cli", "Command line"

    program_year = models.PositiveSmallIntegerField()
    exhibit_kind = models.CharField(max_length=10, choices=ExhibitKind.choices)
    exhibit = models.ForeignKey(PerDiemExhibit, on_delete=models.PROTECT, related_name="runs")
    exhibit_received_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    via = models.CharField(max_length=4, choices=Via.choices, default=Via.WEB)
    post_when_computed = models.BooleanField(
        default=False, help_text="Operator run (command line): computed and posted in one step"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    revision_id = models.PositiveBigIntegerField(
        default=0, help_text="Newest portal.DataRevision the draft was computed from"
    )
    inputs_digest = models.CharField(max_length=64, blank=True)
    previous_run = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    citation_date_field = models.CharField(max_length=30, blank=True)
    class_a_mode = models.CharField(max_length=20, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program_year", "exhibit_kind", "inputs_digest"],
                condition=Q(status="draft"),
                name="uniq_draft_per_inputs",
            )
        ]

    def __str__(self) -> str:
        return f"Run #{self.pk} {self.program_year} {self.exhibit_kind} ({self.status})"

    @property
    def is_posted(self) -> bool:
        return self.status == self.Status.POSTED


class LineStatus(models.TextChoices):
    FACILITY_INELIGIBLE = "facility_ineligible", "Facility not WQIP-eligible"
    NOT_OPTED_IN = "not_opted_in", "Not opted in"
    PAYABLE = "payable", "Payable"


class CitationClass(models.TextChoices):
    NONE = "NONE", "No Class A or AA citation"
    A = "A", "Class A"
    AA = "AA", "Class AA"


class PaymentLine(models.Model):
    run = models.ForeignKey(PaymentRun, on_delete=models.CASCADE, related_name="lines")
    facility = models.ForeignKey("portal.Facility", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=LineStatus.choices)
    computed_bed_days = models.IntegerField(default=0)
    adjustment_days = models.IntegerField(default=0)
    qualifying_bed_days = models.IntegerField(
        default=0, help_text="computed + approved adjustments"
    )
    per_diem = models.DecimalField(max_digits=12, decimal_places=4)
    citation_class = models.CharField(max_length=4, choices=CitationClass.choices)
    class_a_count = models.PositiveIntegerField(default=0)
    factor = models.DecimalField(max_digits=5, decimal_places=2)
    gross_amount = models.DecimalField(max_digits=14, decimal_places=2)
    previously_paid = models.DecimalField(max_digits=14, decimal_places=2)
    net_amount = models.DecimalField(max_digits=14, decimal_places=2)
    due_date = models.DateField()
    previous_gross = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Gross in previous run"
    )

    class Meta:
        ordering = ["facility__npi"]
        constraints = [
            models.UniqueConstraint(fields=["run", "facility"], name="uniq_payment_line")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.facility_id}: {self.net_amount}"

    @property
    def difference(self):  # type: ignore[no-untyped-def]
        """Change in gross against the previous run (None when the facility was not in it)."""
        if self.previous_gross is None:
            return None
        return self.gross_amount - self.previous_gross
