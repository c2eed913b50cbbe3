"""The append-only ledger: payments, recoupments and adjustments per provider organisation,
program and program year, and the plan's own account with the state (money the state pays the
plan for a program, and what goes back to it: entries with no organisation).

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


PROVIDER_KINDS = ("payment", "recoupment", "adjustment")
STATE_OUTGOING = ("state_return", "state_offset_payment", "state_offset_capitation")
STATE_KINDS = ("state_receipt", *STATE_OUTGOING)


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        PAYMENT = "payment", "Payment"
        RECOUPMENT = "recoupment", "Recoupment"
        ADJUSTMENT = "adjustment", "Adjustment"
        # the plan's own account with the state (no organisation)
        STATE_RECEIPT = "state_receipt", "Received from the state"
        STATE_RETURN = "state_return", "Returned to the state"
        STATE_OFFSET_PAYMENT = "state_offset_payment", "Netted from a later state payment"
        STATE_OFFSET_CAPITATION = "state_offset_capitation", "Netted from capitation"

    facility = models.ForeignKey(
        "portal.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        help_text="The provider paid or recouped; empty for the plan's own account with the state",
    )
    program = models.CharField(max_length=30, help_text="Label of the program the money is for")
    program_year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=24, choices=Kind.choices)
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
    value_date = models.DateField(
        null=True, blank=True, help_text="State entries: the day the money moved"
    )
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
            ),
            # provider entries name an organisation, the state account's never do
            models.CheckConstraint(
                condition=Q(facility__isnull=True, kind__in=STATE_KINDS)
                | Q(facility__isnull=False, kind__in=PROVIDER_KINDS),
                name="ledger_state_entries_have_no_organisation",
            ),
            # money from the state is positive, money going back negative
            models.CheckConstraint(
                condition=~Q(kind__in=STATE_KINDS)
                | Q(kind="state_receipt", amount__gt=0)
                | Q(kind__in=STATE_OUTGOING, amount__lt=0),
                name="ledger_state_entry_sign",
            ),
        ]

    def __str__(self) -> str:
        account = self.facility_id if self.facility_id else "state"
        return f"{self.get_kind_display()} {self.amount} {account} {self.program_year}"

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
