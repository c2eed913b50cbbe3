"""Business events (who, when, what, why) and the member-level access log (contract §6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One row per state change that matters, written in the same transaction as the change."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=250, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"


class AccessLogEntry(models.Model):
    """Every view of member-level rows (bed-day drill-downs, exports) is written here."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(
        "portal.Facility", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    what = models.CharField(max_length=120)
    path = models.CharField(max_length=500, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    masked = models.BooleanField(default=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "access log entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.what}"


class DataRevision(models.Model):
    """Append-only log of input changes (claims, citations, per diems, opt-ins, adjustments).

    A payment run remembers the newest revision it was computed from; a newer revision of a
    kind that affects its program year means the draft is stale and must be recomputed.
    """

    class Kind(models.TextChoices):
        CLAIMS = "claims", "Claims"
        CITATIONS = "citations", "Citations"
        PER_DIEMS = "per_diems", "Per-diem exhibit"
        OPT_INS = "opt_ins", "Opt-ins"
        FACILITIES = "facilities", "Facility registry"
        ADJUSTMENTS = "adjustments", "Bed-day adjustments"

    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    program_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty when the change can touch any year"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.program_year or 'all years'}"
