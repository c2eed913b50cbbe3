"""DHCS per-diem exhibits (contract §1 per_diems.csv)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ExhibitKind(models.TextChoices):
    INTERIM = "interim", "Interim"
    FINAL = "final", "Final"


class PerDiemExhibit(models.Model):
    """One exhibit per program year and kind; re-importing it replaces its per diems."""

    program_year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=ExhibitKind.choices)
    received_on = models.DateField(help_text="Date the plan received the exhibit from DHCS")
    source_name = models.CharField(max_length=250, blank=True)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-program_year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["program_year", "kind"], name="uniq_per_diem_exhibit")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} exhibit {self.program_year}"


class PerDiem(models.Model):
    exhibit = models.ForeignKey(PerDiemExhibit, on_delete=models.CASCADE, related_name="per_diems")
    facility = models.ForeignKey("portal.Facility", on_delete=models.PROTECT, related_name="+")
    per_diem = models.DecimalField(max_digits=12, decimal_places=4)

    class Meta:
        ordering = ["facility__npi"]
        constraints = [
            models.UniqueConstraint(fields=["exhibit", "facility"], name="uniq_per_diem"),
            models.CheckConstraint(
                condition=models.Q(per_diem__gte=0), name="per_diem_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id}: {self.per_diem}"
