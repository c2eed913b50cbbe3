"""Provider payment disputes (domain guide §8) and their case management (§9).

A dispute belongs to one facility, one program (``program``, the label a program registers in
``disputes.programs``) and one of its program years (a plain year). Every transition writes a
:class:`DisputeEvent` in the same transaction (``disputes.services``); notes are internal (plan
only) or shared with the facility, and every edit of a note keeps a :class:`NoteRevision`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from portal.cases.models import CaseAttachment, CaseEvent, CaseNote, CaseNoteRevision
from portal.files.models import private_storage

# The programs that take disputes, by label: filled by
# ``disputes.programs.register_dispute_program``
# from each program's AppConfig.ready. It lives here, with the rows that name a program, so that
# the models need nothing from disputes.programs (which builds on them).
DISPUTE_PROGRAMS: dict[str, Any] = {}


class DisputeType(models.TextChoices):
    """The types of dispute every program takes; a program lists its own before them
    (``DisputeProgram.dispute_types``)."""

    PAYMENT_TIMING = "payment_timing", "Payment timing or non-payment"
    RECOUPMENT = "recoupment", "Recoupment"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RETURNED = "returned", "Returned for more information"
    AMENDED = "amended", "Amended"
    CLOSED_INCOMPLETE = "closed_incomplete", "Closed (not amended in time)"
    UNDER_REVIEW = "under_review", "Under review"
    DETERMINED = "determined", "Determined"
    CLOSED = "closed", "Closed"


class Outcome(models.TextChoices):
    UPHELD = "upheld", "Upheld (no change)"
    OVERTURNED = "overturned", "Overturned"
    PARTIALLY_OVERTURNED = "partially_overturned", "Partially overturned"


class Channel(models.TextChoices):
    ELECTRONIC = "electronic", "Portal (electronic)"
    PAPER = "paper", "Paper (entered by a liaison)"


# statuses in which the plan still owes a decision (the 45-working-day clock runs)
OPEN_STATUSES = (Status.SUBMITTED, Status.ACKNOWLEDGED, Status.AMENDED, Status.UNDER_REVIEW)
# statuses in which the facility may change the filing
EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)


class Dispute(models.Model):
    audit_prefix = "dispute"  # its audit actions: dispute.<action> (portal.cases.services)

    # the provider organisation disputing, of a kind the program takes
    # (``DisputeProgram.organisation_kinds``: a SNF facility for WQIP, an ECM provider...)
    facility = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, related_name="disputes"
    )
    program = models.CharField(max_length=30, help_text="Label of the program disputed")
    program_year = models.PositiveSmallIntegerField()
    dispute_type = models.CharField(
        max_length=24, help_text="One of the program's types (DisputeProgram.type_choices)"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ELECTRONIC)
    level = models.PositiveSmallIntegerField(default=1, choices=[(1, "First"), (2, "Second")])
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="second_levels",
        help_text="The first-level dispute a second-level dispute appeals",
    )

    # what is disputed
    payment_run = models.ForeignKey(
        "payments.PaymentRun", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ledger_entry = models.ForeignKey(
        "payments.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    report_reference = models.CharField(max_length=120, blank=True)
    plan_action_on = models.DateField(
        null=True,
        blank=True,
        help_text="Date of the plan's action disputed (payment, recoupment, report), or the "
        "due date if nothing was paid",
    )
    explanation = models.TextField(blank=True)
    amount_sought = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField("contact e-mail", blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)

    # the inquiry it was turned from (portal.inquiries), its text and files carried over
    inquiry = models.OneToOneField(
        "inquiries.Inquiry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispute",
    )

    # people
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="filed_disputes"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_disputes",
    )

    # clocks (disputes.clocks)
    filing_deadline = models.DateField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    received_on = models.DateField(null=True, blank=True, help_text="Day 0 of the clocks")
    ack_due = models.DateField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True, help_text="What is missing (shown to facility)")
    amend_due = models.DateField(null=True, blank=True)
    decision_due = models.DateField(null=True, blank=True)
    second_level_due = models.DateField(null=True, blank=True)

    # escalation (§9): a passed regulatory clock is flagged for audit
    is_regulatory_breach = models.BooleanField(default=False)
    escalated_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "decision_due"]),
            models.Index(fields=["facility", "program", "program_year"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level=1, parent__isnull=True)
                | models.Q(level=2, parent__isnull=False),
                name="dispute_level_parent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.facility} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("disputes:dispute_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"D-{self.pk:06d}" if self.pk else "D-new"

    @property
    def dispute_program(self) -> Any:
        """The program's dispute hooks, a ``disputes.programs.DisputeProgram`` (None once a
        program is no longer installed)."""
        return DISPUTE_PROGRAMS.get(self.program)

    @property
    def dispute_type_label(self) -> str:
        program = self.dispute_program
        return program.type_label(self.dispute_type) if program else self.dispute_type

    @property
    def program_year_label(self) -> str:
        program = self.dispute_program
        return program.year_label(self.program_year) if program else str(self.program_year)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class DisputeItem(models.Model):
    """One disputed item: a month of the program year or a member's range of days, as the
    program listed it (``disputes.programs.ItemChoice``; copied, since a program's result,
    e.g. WQIP's bed days, is replaced on every recomputation)."""

    class Kind(models.TextChoices):
        MONTH = "month", "Month"
        MEMBER_DAYS = "member_days", "Member-days"
        OTHER = "other", "Other item"

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    member_id = models.CharField(max_length=64, blank=True)
    first_day = models.DateField(null=True, blank=True)
    last_day = models.DateField(null=True, blank=True)
    days = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=30, blank=True, help_text="Outcome the plan gave")
    description = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["kind", "month", "member_id", "first_day", "id"]

    def __str__(self) -> str:
        return self.label(masked=True)

    @property
    def masked_member_id(self) -> str:
        tail = self.member_id[-4:] if len(self.member_id) > 4 else ""
        return f"•••{tail}" if tail else "•••"

    def label(self, *, masked: bool) -> str:
        if self.kind == self.Kind.MONTH and self.month:
            import calendar

            return f"{calendar.month_name[self.month]} (whole month)"
        if self.kind == self.Kind.MEMBER_DAYS:
            member = self.masked_member_id if masked else self.member_id
            return f"Member {member}: {self.first_day:%d %b %Y} to {self.last_day:%d %b %Y}"
        return self.description


class DisputeAttachment(CaseAttachment):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="attachments")

    class Meta(CaseAttachment.Meta):
        pass

    def storage_folder(self) -> str:
        return f"disputes/{self.dispute_id}"


class DisputeEvent(CaseEvent):
    """Timeline: every transition and action on a dispute (who, when, why)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events")

    class Meta(CaseEvent.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.action}"


class Note(CaseNote):
    """A note on a dispute: internal (plan only) or a message shared with the facility."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="notes")

    class Meta(CaseNote.Meta):
        pass


class NoteRevision(CaseNoteRevision):
    """The text a note had before an edit."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="revisions")

    class Meta(CaseNoteRevision.Meta):
        pass

    def __str__(self) -> str:
        return f"Revision of note {self.note_id} at {self.edited_at}"


class Determination(models.Model):
    """The written determination of a dispute and its money outcome."""

    dispute = models.OneToOneField(Dispute, on_delete=models.PROTECT, related_name="determination")
    outcome = models.CharField(max_length=24, choices=Outcome.choices)
    reasoning = models.TextField()
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="Amount the plan owes as a result"
    )
    adjustment_quantity = models.IntegerField(
        default=0,
        help_text="Signed quantity an overturn adjusts, in the program's unit (WQIP: bed days)",
    )
    # the adjustment the program recorded for it (DisputeProgram.record_adjustment): a loose
    # reference, so disputes import no program
    adjustment_type = models.CharField(max_length=80, blank=True)
    adjustment_id = models.PositiveBigIntegerField(null=True, blank=True)
    letter = models.FileField(storage=private_storage, max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.dispute_id}: {self.get_outcome_display()}"

    @property
    def changes_money(self) -> bool:
        return self.outcome != Outcome.UPHELD
