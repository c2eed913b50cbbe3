"""Whether a facility pays the QAF, with its history (the latest row is in force)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ExemptionReason(models.TextChoices):
    """H&S §1324.20(c): the facilities that do not pay. Pediatric subacute pays (no longer
    exempt from the 2011-12 rate year)."""

    CCRC = "ccrc", "Part of a continuing care retirement community (CCRC)"
    PUBLIC = "public", "Operated by the state or another public entity"
    STP_IMD = "stp_imd", "Special treatment program (STP) that is also an IMD"
    DISTINCT_PART = "distinct_part", "Distinct part of a general acute care hospital"


class QafParticipation(models.Model):
    """One decision of a program admin: the facility pays, or is exempt for a reason. Rows are
    never changed; the newest is in force. A facility without a row pays (every freestanding
    SNF does unless exempt)."""

    facility = models.ForeignKey(
        "portal.Facility", on_delete=models.PROTECT, related_name="qaf_participations"
    )
    pays_fee = models.BooleanField(default=True)
    exemption_reason = models.CharField(max_length=20, choices=ExemptionReason.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)
    effective_on = models.DateField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["facility_id", "-set_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(pays_fee=True) & models.Q(exemption_reason=""))
                | (models.Q(pays_fee=False) & ~models.Q(exemption_reason="")),
                name="qaf_exempt_has_reason",
            )
        ]

    def __str__(self) -> str:
        what = (
            "pays the QAF" if self.pays_fee else f"exempt ({self.get_exemption_reason_display()})"
        )
        return f"{self.facility_id}: {what} from {self.effective_on}"
