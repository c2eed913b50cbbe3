"""What a facility declares each month, what it records having paid, and what a late-approved
rate adds."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from programs.qaf.engine import TIER_LABELS, Tier
from programs.qaf.models.rates import QafRateYear


class DeclarationSource(models.TextChoices):
    FORM = "form", "Entered on the page"
    CSV = "csv", "Uploaded CSV file"
    DEMO = "demo", "Demo data"


class QafDeclaration(models.Model):
    """A facility's resident days of one month and the fee the portal computed from them
    (stored as computed: the rate table may change later, adjustments then say by how much).
    A correction replaces the figures and is audited."""

    facility = models.ForeignKey(
        "portal.Facility", on_delete=models.PROTECT, related_name="qaf_declarations"
    )
    month = models.DateField(help_text="First day of the month declared")
    total_days = models.PositiveIntegerField()
    medicare_days = models.PositiveIntegerField(default=0)
    taxable_days = models.PositiveIntegerField()
    medicare_excluded = models.BooleanField()
    tier = models.CharField(max_length=20)
    tier_annual_days = models.PositiveIntegerField()
    tier_annualised = models.BooleanField(default=False)
    rate_year = models.ForeignKey(QafRateYear, on_delete=models.PROTECT, related_name="+")
    rate = models.DecimalField(max_digits=8, decimal_places=2)
    rate_is_final = models.BooleanField()
    fee = models.DecimalField(max_digits=14, decimal_places=2)
    due_on = models.DateField()
    source = models.CharField(max_length=10, choices=DeclarationSource.choices)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField()

    class Meta:
        ordering = ["facility_id", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "month"], name="uniq_qaf_declaration"),
            models.CheckConstraint(
                condition=models.Q(medicare_days__lte=models.F("total_days")),
                name="qaf_medicare_within_total",
            ),
            models.CheckConstraint(condition=models.Q(fee__gte=0), name="qaf_fee_not_negative"),
        ]

    def __str__(self) -> str:
        return f"QAF {self.month:%B %Y} of facility {self.facility_id}"

    @property
    def tier_label(self) -> str:
        try:
            return TIER_LABELS[Tier(self.tier)]
        except ValueError:
            return self.tier


class PaymentMethod(models.TextChoices):
    EFT = "eft", "EFT"
    CHECK = "check", "Check"
    ONLINE = "online", "Online census entry"


class QafPayment(models.Model):
    """A payment the facility made to DHCS for a month (recorded by the facility; the plan
    neither bills nor collects the fee). Never changed or deleted: a mistake is corrected by
    recording a negative payment (a reversal) with a reference."""

    declaration = models.ForeignKey(
        QafDeclaration, on_delete=models.PROTECT, related_name="payments"
    )
    paid_on = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    reference = models.CharField(max_length=60, help_text="EFT trace or check number")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["declaration_id", "paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount=Decimal(0)), name="qaf_payment_not_zero"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} paid {self.paid_on} ({self.reference})"


class QafRateAdjustment(models.Model):
    """The difference a month declared at an earlier rate owes once its own rate year is
    approved: (new rate - old rate) x taxable days, rounded once. Due with the fee of the month
    after the approval (reading [A])."""

    declaration = models.ForeignKey(
        QafDeclaration, on_delete=models.PROTECT, related_name="adjustments"
    )
    rate_year = models.ForeignKey(QafRateYear, on_delete=models.PROTECT, related_name="+")
    days = models.PositiveIntegerField()
    old_rate = models.DecimalField(max_digits=8, decimal_places=2)
    new_rate = models.DecimalField(max_digits=8, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    due_on = models.DateField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["declaration_id", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "rate_year", "new_rate"], name="uniq_qaf_rate_adjustment"
            )
        ]

    def __str__(self) -> str:
        return f"Rate adjustment {self.amount} for declaration {self.declaration_id}"
