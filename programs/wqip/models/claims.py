"""Claims as imported from claims.csv (contract §1): a claim version and its lines.

`frequency_code`, `original_claim_id`, `adjudicated_date` and `received_date` belong to the
claim; every other column is read per line. Rows are written only by
`programs.wqip.services.claims_import.import_claims` (PostgreSQL COPY + set-based SQL), never
edited.
"""

from __future__ import annotations

from django.db import models

from programs.wqip.engine.bed_days import BED_DAY_CODES

CLAIM_ID_MAX_LENGTH = 64
MEMBER_ID_MAX_LENGTH = 64


class Claim(models.Model):
    class FrequencyCode(models.TextChoices):
        ORIGINAL = "1", "Original"
        REPLACEMENT = "7", "Replacement"
        VOID = "8", "Void"

    # "C" collation: byte order (claim_id is compared as text, contract §2.1) and fast indexes
    claim_id = models.CharField(max_length=CLAIM_ID_MAX_LENGTH, db_collation="C")
    frequency_code = models.CharField(max_length=1, choices=FrequencyCode.choices)
    original_claim_id = models.CharField(
        max_length=CLAIM_ID_MAX_LENGTH, blank=True, db_collation="C"
    )
    # the claim this one replaces or voids (resolved from original_claim_id at import).
    # Bulk tables carry no database FK constraint: a deferred constraint costs a trigger call
    # per row at commit; the import proves every reference in SQL before it writes.
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="replaced_by",
        db_index=False,
        db_constraint=False,
    )
    adjudicated_date = models.DateField()
    received_date = models.DateField()
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim_id"]
        # a constraint, not unique=True: no extra varchar_pattern_ops index to maintain
        constraints = [models.UniqueConstraint(fields=["claim_id"], name="uniq_claim_id")]

    def __str__(self) -> str:
        return f"claim {self.claim_id} ({self.get_frequency_code_display()})"


class ClaimLine(models.Model):
    class PrimaryPayer(models.TextChoices):
        MEDI_CAL = "MEDI_CAL", "Medi-Cal"
        MEDICARE = "MEDICARE", "Medicare"
        OTHER = "OTHER", "Other"

    class Coverage(models.TextChoices):
        MCP = "MCP", "Managed care plan"
        FFS = "FFS", "Medi-Cal fee-for-service"

    class YesNo(models.TextChoices):
        YES = "Y", "Yes"
        NO = "N", "No"

    class NetworkStatus(models.TextChoices):
        IN = "IN", "In network"
        OUT = "OUT", "Out of network"

    class ClaimStatus(models.TextChoices):
        PAID = "PAID", "Paid"
        DENIED = "DENIED", "Denied"
        PENDING = "PENDING", "Pending"

    # the claim's own id (claim_id, text): a line is written without looking its claim up,
    # so the parallel load writes the lines whole (services.claims_parallel_load). The
    # unique constraint (claim, line_no) serves lookups by claim: no second index
    claim = models.ForeignKey(
        Claim,
        to_field="claim_id",
        on_delete=models.DO_NOTHING,
        related_name="lines",
        db_index=False,
        db_constraint=False,
    )
    line_no = models.PositiveIntegerField()
    member_id = models.CharField(max_length=MEMBER_ID_MAX_LENGTH, db_collation="C")
    facility = models.ForeignKey(
        "portal.Facility",
        on_delete=models.DO_NOTHING,
        related_name="claim_lines",
        db_index=False,
        db_constraint=False,
    )
    admission_date = models.DateField()
    from_date = models.DateField()
    through_date = models.DateField()
    discharge_date = models.DateField(null=True, blank=True)
    revenue_code = models.CharField(max_length=4, help_text="Left-padded to 4 digits")
    primary_payer = models.CharField(max_length=10, choices=PrimaryPayer.choices)
    coverage = models.CharField(max_length=3, choices=Coverage.choices)
    hospice = models.CharField(max_length=1, choices=YesNo.choices)
    network_status = models.CharField(max_length=3, choices=NetworkStatus.choices)
    claim_status = models.CharField(max_length=7, choices=ClaimStatus.choices)
    paid_amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["claim_id", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "line_no"], name="uniq_claim_line"),
            models.CheckConstraint(
                condition=models.Q(through_date__gte=models.F("from_date")),
                name="claim_line_through_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} line {self.line_no}"

    @property
    def is_bed_day_line(self) -> bool:
        return self.revenue_code in BED_DAY_CODES


class ClaimImport(models.Model):
    """A claims.csv uploaded in the web UI and imported by a Celery job."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Imported"
        FAILED = "failed", "Refused"

    file = models.FileField(upload_to="claim_imports/")
    original_name = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    uploaded_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.CharField(max_length=250, blank=True)
    error_report = models.TextField(blank=True, help_text="One line per bad row")
    error_count = models.PositiveIntegerField(default=0)
    job = models.OneToOneField(
        "portal.Job", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"claims import #{self.pk} {self.original_name} ({self.status})"

    @property
    def is_done(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)
