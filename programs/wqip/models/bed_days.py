"""Stored results of the bed-day engine (contract §2.7): per facility and program year."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import BrinIndex
from django.db import models

# the bed-day engine's outcomes (contract §2.5 order), also read from here by views and selectors
from programs.wqip.engine.bed_days import (
    EXCLUSION_REASONS,
    OUTCOMES,
)


class BedDayComputation(models.Model):
    """One run of compute_bed_days for a program year; the newest finished one is current."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    program_year = models.PositiveSmallIntegerField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    count_leave_days = models.BooleanField(default=False)
    revision_id = models.PositiveBigIntegerField(
        default=0, help_text="Newest portal.DataRevision id the computation saw"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    error = models.TextField(blank=True)
    job = models.OneToOneField(
        "portal.Job", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Bed days {self.program_year} #{self.pk} ({self.status})"


class BedDaySummary(models.Model):
    """Qualifying and excluded days of one facility in one program year (current result)."""

    computation = models.ForeignKey(
        BedDayComputation, on_delete=models.CASCADE, related_name="summaries"
    )
    facility = models.ForeignKey(
        "portal.Facility", on_delete=models.PROTECT, related_name="bed_day_summaries"
    )
    program_year = models.PositiveSmallIntegerField()
    qualifying_days = models.PositiveIntegerField(default=0)
    facility_ineligible = models.PositiveIntegerField(default=0)
    not_paid = models.PositiveIntegerField(default=0)
    leave_day = models.PositiveIntegerField(default=0)
    medi_cal_not_primary = models.PositiveIntegerField(default=0)
    fee_for_service = models.PositiveIntegerField(default=0)
    hospice = models.PositiveIntegerField(default=0)
    out_of_network = models.PositiveIntegerField(default=0)
    discharge_day = models.PositiveIntegerField(default=0)
    latest_qualifying_received_on = models.DateField(
        null=True,
        blank=True,
        help_text="Latest received_date of the facility's effective claims with at least one "
        "qualifying line-day in the year (contract §4 due date)",
    )

    class Meta:
        ordering = ["facility__npi"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "program_year"], name="uniq_bed_day_summary"
            )
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.program_year}: {self.qualifying_days} qualifying"

    @property
    def excluded_days(self) -> int:
        return sum(getattr(self, reason) for reason in EXCLUSION_REASONS)


# on screen (files keep the contract's names)
OUTCOME_LABELS = {
    "qualifying": "Qualifying",
    "facility_ineligible": "Facility not eligible",
    "not_paid": "Not paid",
    "leave_day": "Leave day",
    "medi_cal_not_primary": "Medi-Cal not primary",
    "fee_for_service": "Fee-for-service",
    "hospice": "Hospice",
    "out_of_network": "Out of network",
    "discharge_day": "Discharge day",
}
OUTCOME_CHOICES = [(index, name) for index, name in enumerate(OUTCOMES)]


class BedDayMonth(models.Model):
    """Days of one facility in one calendar month of the program year (report chart)."""

    computation = models.ForeignKey(
        BedDayComputation, on_delete=models.CASCADE, related_name="months"
    )
    facility = models.ForeignKey("portal.Facility", on_delete=models.PROTECT, related_name="+")
    program_year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    qualifying_days = models.PositiveIntegerField(default=0)
    facility_ineligible = models.PositiveIntegerField(default=0)
    not_paid = models.PositiveIntegerField(default=0)
    leave_day = models.PositiveIntegerField(default=0)
    medi_cal_not_primary = models.PositiveIntegerField(default=0)
    fee_for_service = models.PositiveIntegerField(default=0)
    hospice = models.PositiveIntegerField(default=0)
    out_of_network = models.PositiveIntegerField(default=0)
    discharge_day = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["facility_id", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["computation", "facility", "month"], name="uniq_bed_day_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.program_year}-{self.month:02d}"

    @property
    def excluded_days(self) -> int:
        return sum(getattr(self, reason) for reason in EXCLUSION_REASONS)


class BedDayMemberRange(models.Model):
    """Member-level result: consecutive days of one member at one facility with one outcome.

    Ranges of one member and facility never overlap; their lengths add up to the summary.
    The table is partitioned by computation (migration 0005, written by
    ``services.bed_days``): each partition has its primary key (id) and the index below; ids
    come from one sequence.
    """

    # bulk rows written by SQL: no database FK constraints (see payments.models.claims)
    computation = models.ForeignKey(
        BedDayComputation,
        on_delete=models.DO_NOTHING,
        related_name="member_ranges",
        db_index=False,
        db_constraint=False,
    )
    facility = models.ForeignKey(
        "portal.Facility",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    member_id = models.CharField(max_length=64, db_collation="C")
    outcome = models.PositiveSmallIntegerField(choices=OUTCOME_CHOICES)
    first_day = models.DateField()
    last_day = models.DateField()
    days = models.PositiveIntegerField()

    class Meta:
        ordering = ["facility_id", "member_id", "first_day"]
        indexes = [
            models.Index(
                fields=["computation", "facility", "member_id"], name="bed_day_member_lookup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.first_day}..{self.last_day} {OUTCOMES[self.outcome]}"

    @property
    def reason(self) -> str:
        return OUTCOMES[self.outcome]


class BedDayLineRange(models.Model):
    """Provenance: the days [first_day, last_day] of a member at a facility got their outcome
    from this effective claim line (every line that gives a day its final outcome is listed,
    so a day billed twice has two rows). Partitioned by computation, as BedDayMemberRange."""

    computation = models.ForeignKey(
        BedDayComputation,
        on_delete=models.DO_NOTHING,
        related_name="line_ranges",
        db_index=False,
        db_constraint=False,
    )
    claim_line = models.ForeignKey(
        "wqip.ClaimLine",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    facility = models.ForeignKey(
        "portal.Facility",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    member_id = models.CharField(max_length=64, db_collation="C")
    outcome = models.PositiveSmallIntegerField(choices=OUTCOME_CHOICES)
    first_day = models.DateField()
    last_day = models.DateField()

    class Meta:
        ordering = ["facility_id", "member_id", "first_day"]
        # rows are written ordered by facility and member: a BRIN index finds a facility's
        # blocks at a fraction of a B-tree's upkeep (one row per line range, millions of rows)
        indexes = [BrinIndex(fields=["computation", "facility"], name="bed_day_line_lookup")]

    def __str__(self) -> str:
        return f"line {self.claim_line_id} {self.first_day}..{self.last_day}"

    @property
    def reason(self) -> str:
        return OUTCOMES[self.outcome]
