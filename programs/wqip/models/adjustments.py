"""Bed-day adjustments (contract §2.6): signed days a dispute determination adds to a facility's
computed qualifying days; payment runs add the approved ones."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BedDayAdjustment(models.Model):
    facility = models.ForeignKey(
        "portal.Facility", on_delete=models.PROTECT, related_name="bed_day_adjustments"
    )
    program_year = models.PositiveSmallIntegerField()
    days = models.IntegerField(help_text="Signed number of days")
    reason = models.TextField()
    # generic reference to what caused it (a dispute, later); kept loose so payments does not
    # import disputes
    source_type = models.CharField(max_length=80, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # the first posted run that counted it: its ledger entry carries this adjustment's source
    posted_run = models.ForeignKey(
        "payments.PaymentRun", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["facility", "program_year"])]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.program_year}: {self.days:+d} days"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None
