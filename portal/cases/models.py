"""The parts every case shares (disputes, inquiries, and later the other programs' cases):
the event trail, notes with a visibility and their revisions, attachments.

They are abstract: each kind of case keeps its own tables (``disputes.DisputeEvent``,
``inquiries.InquiryMessage``...) with a foreign key to its case named by the subclass, and
``portal.cases.services`` works on any of them through the case's ``events``, ``notes`` or
``attachments`` relations.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from portal.files.models import StoredUpload


class Visibility(models.TextChoices):
    INTERNAL = "internal", "Internal (plan staff only)"
    SHARED = "shared", "Shared with the facility"


class CaseEvent(models.Model):
    """Timeline: every transition and action on a case (who, when, why)."""

    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)
    is_internal = models.BooleanField(default=False, help_text="Plan staff only")

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    @property
    def label(self) -> str:
        return self.action.replace("_", " ").capitalize()


class CaseNote(models.Model):
    """A note on a case: internal (plan only) or a message shared with the facility."""

    Visibility = Visibility

    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    body = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_visibility_display()} note {self.pk}"

    @property
    def is_internal(self) -> bool:
        return self.visibility == Visibility.INTERNAL


class CaseNoteRevision(models.Model):
    """The text a note had before an edit (the subclass adds ``note``)."""

    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["edited_at", "id"]


class CaseAttachment(StoredUpload):
    """A file on a case (checked by portal.files.uploads, private storage)."""

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
