"""Opt-in form data (wqip.md §7): versions, documents, report contacts, history, extensions.

An ``OptIn`` (portal.models.program) is the facility's enrolment for one program year and
carries the status that gates payment. Its form lives in ``OptInVersion`` rows: version 1 is
the original form; an approved opt-in is amended through a new version that is reviewed
while the approved one stays in force. Report contacts belong to the opt-in itself, so they
change at once. Every status change writes an ``OptInTransition`` in the same transaction."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from portal.files.models import StoredUpload

tin_validator = RegexValidator(r"^\d{9}$", "Enter the 9-digit TIN (EIN or SSN) without dashes.")


class OptInVersion(models.Model):
    """One reviewed edition of an opt-in form."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        UNDER_REVIEW = "under_review", "Under review"
        RETURNED = "returned", "Returned for correction"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Superseded by an amendment"

    opt_in = models.ForeignKey("wqip.OptIn", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    amendment_reason = models.TextField(blank=True)

    # authorised signer
    signer_name = models.CharField("signer name", max_length=150, blank=True)
    signer_title = models.CharField("signer title", max_length=150, blank=True)
    signer_email = models.EmailField("signer e-mail", blank=True)
    signer_phone = models.CharField("signer phone", max_length=30, blank=True)
    # attestation, accepted at submission by the facility administrator
    attestation_typed_name = models.CharField(max_length=150, blank=True)
    attestation_text_version = models.CharField(max_length=20, blank=True)
    attestation_accepted_at = models.DateTimeField(null=True, blank=True)
    attestation_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attestation_ip = models.GenericIPAddressField(null=True, blank=True)

    # payee / remittance (bank details stay in the plan's vendor process)
    payee_legal_name = models.CharField(max_length=200, blank=True)
    payee_tin = models.CharField("payee TIN", max_length=9, blank=True, validators=[tin_validator])
    remittance_address = models.TextField(blank=True)
    remittance_contact_name = models.CharField(max_length=150, blank=True)
    remittance_contact_email = models.EmailField("remittance contact e-mail", blank=True)
    remittance_contact_phone = models.CharField(max_length=30, blank=True)

    # acknowledgements
    terms_version = models.CharField(max_length=20, blank=True)
    terms_accepted_at = models.DateTimeField(null=True, blank=True)
    webinar_1_on = models.DateField("first informational webinar", null=True, blank=True)
    webinar_2_on = models.DateField("second informational webinar", null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_comments = models.TextField(blank=True)

    class Meta:
        ordering = ["opt_in", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["opt_in", "number"], name="uniq_opt_in_version"),
            models.UniqueConstraint(
                fields=["opt_in"],
                condition=Q(status="approved"),
                name="one_approved_version_per_opt_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opt_in} v{self.number} ({self.get_status_display()})"

    @property
    def is_amendment(self) -> bool:
        return self.number > 1

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class OptInDocument(StoredUpload):
    class Kind(models.TextChoices):
        W9 = "w9", "W-9 (Request for Taxpayer Identification Number)"
        OTHER = "other", "Other supporting document"

    version = models.ForeignKey(OptInVersion, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["kind", "uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    def storage_folder(self) -> str:
        return f"opt_ins/{self.version.opt_in_id}"


class OptInReportContact(models.Model):
    """People told when reports or payments are published; change at once, no review."""

    opt_in = models.ForeignKey(
        "wqip.OptIn", on_delete=models.CASCADE, related_name="report_contacts"
    )
    name = models.CharField(max_length=150)
    email = models.EmailField("e-mail")
    phone = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class OptInTransition(models.Model):
    """Status history: written by the service in the same transaction as the change."""

    opt_in = models.ForeignKey("wqip.OptIn", on_delete=models.CASCADE, related_name="transitions")
    version = models.ForeignKey(
        OptInVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.opt_in_id}: {self.from_status or '-'} -> {self.to_status}"


class OptInExtension(models.Model):
    """A liaison lets one facility submit after the window closes, until ``closes_on``."""

    facility = models.ForeignKey(
        "portal.Facility", on_delete=models.PROTECT, related_name="opt_in_extensions"
    )
    program_year = models.ForeignKey(
        "wqip.ProgramYear", on_delete=models.PROTECT, related_name="opt_in_extensions"
    )
    closes_on = models.DateField(help_text="New closing date, inclusive (23:59:59 Pacific)")
    reason = models.TextField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-granted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.facility} {self.program_year}: until {self.closes_on}"
