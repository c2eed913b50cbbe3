"""Payment runs: one program, one program year, one kind of run (the program's: WQIP's interim
or final exhibit); a draft until a second person approves it. The lines are what the program's
calculator (``payments.calculators``) hands over: a gross amount, a due date, a status and the
figures it was computed from (``details``); payments adds what was paid before and the net."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

# The programs' calculators, by program label: filled by
# ``payments.calculators.register_calculator``
# from each program's AppConfig.ready. It lives here, with the rows that name a program, so that
# the models need nothing from payments.calculators (which builds on them).
CALCULATORS: dict[str, Any] = {}


class PaymentRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        DRAFT = "draft", "Draft"
        POSTED = "posted", "Approved and posted"
        SUPERSEDED = "superseded", "Superseded"
        FAILED = "failed", "Failed"

    class Via(models.TextChoices):
        WEB = "web", "Web"
        CLI = "cli", "Command line"

    program = models.CharField(max_length=30, help_text="Label of the program computing the lines")
    program_year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, help_text="The program's kind of run")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    via = models.CharField(max_length=4, choices=Via.choices, default=Via.WEB)
    post_when_computed = models.BooleanField(
        default=False, help_text="Operator run (command line): computed and posted in one step"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    revision_id = models.PositiveBigIntegerField(
        default=0, help_text="Newest portal.DataRevision the draft was computed from"
    )
    inputs_digest = models.CharField(max_length=64, blank=True)
    previous_run = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    parameters = models.JSONField(
        default=dict, blank=True, help_text="The program's inputs and settings this run used"
    )
    error = models.TextField(blank=True)
    job = models.OneToOneField(
        "portal.Job", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["program", "program_year", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "program_year", "kind", "inputs_digest"],
                condition=Q(status="draft"),
                name="uniq_draft_per_inputs",
            )
        ]

    def __str__(self) -> str:
        return f"Run #{self.pk} {self.program} {self.program_year} {self.kind} ({self.status})"

    @property
    def is_posted(self) -> bool:
        return self.status == self.Status.POSTED

    @property
    def calculator(self) -> Any:
        """The program's ``payments.calculators.PaymentCalculator``."""
        try:
            return CALCULATORS[self.program]
        except KeyError:
            raise LookupError(f"no program '{self.program}' computes payments") from None

    def get_kind_display(self) -> str:
        return self.calculator.kind_label(self.kind)

    @property
    def program_title(self) -> str:
        return self.calculator.title


class PaymentLine(models.Model):
    run = models.ForeignKey(PaymentRun, on_delete=models.CASCADE, related_name="lines")
    facility = models.ForeignKey("portal.Organisation", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=30, help_text="The program's status of the line")
    gross_amount = models.DecimalField(max_digits=14, decimal_places=2)
    previously_paid = models.DecimalField(max_digits=14, decimal_places=2)
    net_amount = models.DecimalField(max_digits=14, decimal_places=2)
    due_date = models.DateField()
    previous_gross = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Gross in previous run"
    )
    details = models.JSONField(
        default=dict,
        blank=True,
        help_text="The figures the program computed the gross from (its line columns)",
    )

    class Meta:
        ordering = ["facility__npi"]
        constraints = [
            models.UniqueConstraint(fields=["run", "facility"], name="uniq_payment_line")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.facility_id}: {self.net_amount}"

    @property
    def difference(self) -> Decimal | None:
        """Change in gross against the previous run (None when the facility was not in it)."""
        if self.previous_gross is None:
            return None
        return self.gross_amount - self.previous_gross

    def get_status_display(self) -> str:
        return self.run.calculator.status_label(self.status)

    @property
    def is_payable(self) -> bool:
        return self.status == self.run.calculator.payable_status

    @property
    def figures(self) -> list[dict[str, Any]]:
        """The program's line columns with this line's values (label, value, text)."""
        return self.run.calculator.figures(self)

    @property
    def table_figures(self) -> list[dict[str, Any]]:
        """The figures the run's table shows."""
        return self.run.calculator.figures(self, table_only=True)

    @property
    def note(self) -> str:
        """The program's sentence about this line (e.g. a citation's effect)."""
        return self.run.calculator.line_note(self)
