"""The append-only ledger: payments, recoupments and adjustments per facility, program and
program year.

No update or delete path: the model and its manager refuse them, and a database trigger
(migration ``ledger_append_only``) raises on UPDATE, DELETE and TRUNCATE.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.money import days_late


class LedgerImmutableError(Exception):
    """Ledger entries are never edited or deleted; corrections are new entries."""


class LedgerQuerySet(models.QuerySet["LedgerEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise LedgerImmutableError("ledger entries cannot be updated")

    def delete(self) -> NoReturn:
        raise LedgerImmutableError("ledger entries cannot be deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise LedgerImmutableError("ledger entries cannot be updated")


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        PAYMENT = "payment", "Payment"
        RECOUPMENT = "recoupment", "Recoupment"
        ADJUSTMENT = "adjustment", "Adjustment"

    facility = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    program = models.CharField(max_length=30, help_text="Label of the program the money is for")
    program_year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2, help_text="Signed dollars")
    run = models.ForeignKey(
        "payments.PaymentRun",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    payment_line = models.ForeignKey(
        "payments.PaymentLine", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # what else caused the entry (a dispute determination, later): generic so payments does not
    # import disputes
    source_type = models.CharField(max_length=80, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    due_date = models.DateField(null=True, blank=True)
    memo = models.CharField(max_length=250, blank=True)
    posted_at = models.DateTimeField()
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["posted_at", "id"]
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["facility", "program", "program_year"])]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "facility"],
                condition=Q(run__isnull=False),
                name="uniq_ledger_entry_per_run_facility",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.facility_id} {self.program_year}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LedgerImmutableError("ledger entries cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise LedgerImmutableError("ledger entries cannot be deleted")

    @property
    def days_late(self) -> int:
        """Days the entry was posted after its due date (0: on time or no due date)."""
        return days_late(due_on=self.due_date, paid_on=timezone.localdate(self.posted_at))
