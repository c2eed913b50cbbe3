"""Money going back to the state from the plan's own account (a return, or an amount the state
nets from a later payment or from capitation) waits for a second person before it becomes a
ledger entry: one person asks, a finance approver who is someone else approves or rejects."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class StateTransfer(models.Model):
    class Kind(models.TextChoices):
        RETURN = "state_return", "Returned to the state"
        OFFSET_PAYMENT = "state_offset_payment", "Netted from a later state payment"
        OFFSET_CAPITATION = "state_offset_capitation", "Netted from capitation"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved and posted"
        REJECTED = "rejected", "Rejected"

    program = models.CharField(max_length=30)
    program_year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=24, choices=Kind.choices)
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="Dollars going back (positive)"
    )
    value_date = models.DateField(help_text="The day the money moves")
    memo = models.CharField(max_length=250)
    # what the money is about (e.g. one IPP submission): generic, the core imports no program
    source_type = models.CharField(max_length=80, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=250, blank=True)
    entry = models.OneToOneField(
        "payments.LedgerEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="state_transfer",
    )

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["source_type", "source_id", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="state_transfer_positive"),
            models.CheckConstraint(
                condition=Q(status="approved", entry__isnull=False)
                | (~Q(status="approved") & Q(entry__isnull=True)),
                name="state_transfer_entry_iff_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.program} {self.program_year})"
