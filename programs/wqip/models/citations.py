"""CDPH State Enforcement Actions (contract §1 citations.csv, §3)."""

from __future__ import annotations

from django.db import models


class Citation(models.Model):
    """One CDPH penalty, keyed by PENALTY_NUMBER; a re-import updates it, and penalties absent
    from a later file are kept."""

    penalty_number = models.CharField(max_length=40, unique=True)
    facid = models.CharField("CDPH FACID", max_length=20, db_index=True)
    facility = models.ForeignKey(
        "portal.Facility",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="citations",
    )
    penalty_issue_date = models.DateField(null=True, blank=True)
    violation_from_date = models.DateField(null=True, blank=True)
    class_initial = models.CharField(max_length=80, blank=True)
    class_final = models.CharField(max_length=80, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["facility__name", "violation_from_date", "penalty_number"]

    def __str__(self) -> str:
        return f"Penalty {self.penalty_number}"

    @property
    def citation_class(self) -> str:
        from programs.wqip.engine.citations import classify

        return classify(class_initial=self.class_initial, class_final=self.class_final)
