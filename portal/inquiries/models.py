"""Inquiries: a provider organisation's question to the plan (domain guide §9, "general
inquiries"), answered by the LTSS liaisons in threaded messages.

An inquiry belongs to one provider organisation. Its messages are notes (``portal.cases``):
shared with the organisation, or internal (plan staff only). Every transition writes an
:class:`InquiryEvent` in the same transaction (``portal.inquiries.services``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from portal.cases.models import CaseAttachment, CaseEvent, CaseNote, CaseNoteRevision


class Category(models.TextChoices):
    CLAIMS_PAYMENT = "claims_payment", "Claims and payment"
    PLACEMENT = "placement", "Placement facilitation"
    CARE_TRANSITION = "care_transition", "Care transition"
    PROGRAM = "program", "Opt-in or program question"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Awaiting first reply"
    IN_PROGRESS = "in_progress", "In progress"
    CLOSED = "closed", "Answered and closed"
    CONVERTED = "converted", "Turned into a dispute"


OPEN_STATUSES = (Status.SUBMITTED, Status.IN_PROGRESS)


class Inquiry(models.Model):
    audit_prefix = "inquiry"  # its audit actions: inquiry.<action> (portal.cases.services)

    # the provider organisation asking (a SNF, an ECM provider...)
    organisation = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, related_name="inquiries"
    )
    case_number = models.CharField(max_length=20, blank=True, help_text="Given on submission")
    category = models.CharField(max_length=20, choices=Category.choices)
    subject = models.CharField(max_length=150)
    body = models.TextField("message")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)

    # optional member reference: shown in full only on the case page, each view logged
    member_cin = models.CharField("Medi-Cal CIN", max_length=9, blank=True)
    service_from = models.DateField("dates of service from", null=True, blank=True)
    service_to = models.DateField("dates of service to", null=True, blank=True)

    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opened_inquiries"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_inquiries",
    )

    # clocks (portal.cases.clocks), working days from the submission day (day 0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_on = models.DateField(null=True, blank=True)
    first_reply_due = models.DateField(null=True, blank=True)
    first_replied_at = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    reopen_until = models.DateField(null=True, blank=True)
    answer = models.ForeignKey(
        "inquiries.InquiryMessage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "inquiries"
        indexes = [models.Index(fields=["status", "first_reply_due"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case_number"],
                condition=~models.Q(case_number=""),
                name="inquiry_case_number_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.organisation}"

    def get_absolute_url(self) -> str:
        return reverse("inquiries:inquiry_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return self.case_number or "Draft"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def has_member_reference(self) -> bool:
        return bool(self.member_cin)

    @property
    def masked_member(self) -> str:
        """The member reference as every list shows it: the CIN's last two characters."""
        if not self.member_cin:
            return ""
        return f"CIN •••••••{self.member_cin[-2:]}"

    @property
    def next_due(self):  # type: ignore[no-untyped-def]
        """The nearest clock still running (first reply, else resolution)."""
        if self.status == Status.SUBMITTED:
            return self.first_reply_due
        if self.status == Status.IN_PROGRESS:
            return self.resolution_due
        return None


class InquiryMessage(CaseNote):
    """A message in the thread (shared) or an internal note (plan staff only)."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="notes")

    class Meta(CaseNote.Meta):
        pass

    @property
    def is_answer(self) -> bool:
        return self.inquiry.answer_id == self.pk


class InquiryMessageRevision(CaseNoteRevision):
    note = models.ForeignKey(InquiryMessage, on_delete=models.CASCADE, related_name="revisions")

    class Meta(CaseNoteRevision.Meta):
        pass

    def __str__(self) -> str:
        return f"Revision of message {self.note_id}"


class InquiryAttachment(CaseAttachment):
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="attachments")

    class Meta(CaseAttachment.Meta):
        pass

    def storage_folder(self) -> str:
        return f"inquiries/{self.inquiry_id}"


class InquiryEvent(CaseEvent):
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="events")

    class Meta(CaseEvent.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.inquiry_id} {self.action}"
