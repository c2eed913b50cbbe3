"""The notification engine's tables: due work, in-app notices, e-mail outbox, preferences."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class Channel(models.TextChoices):
    IN_APP = "in_app", "In the portal only"
    IN_APP_EMAIL = "in_app_email", "In the portal and by e-mail"


class ScheduledNotice(models.Model):
    """Deadlines as data: one reminder (kind) about one object, due at a moment.

    Written by ``schedule_notice`` in the transaction of the event that sets the clock; the
    sweeper claims due rows with ``SELECT ... FOR UPDATE SKIP LOCKED`` and marks each sent in
    the transaction that writes its notices, so each is sent exactly once.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=60)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    facility = models.ForeignKey(
        "portal.Facility",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="scheduled_notices",
    )
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_at = models.DateTimeField(
        null=True, blank=True, help_text="After a failure: not claimed again before this moment"
    )
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)
    link = models.CharField(max_length=300, blank=True, help_text="Portal path of the object")
    data = models.JSONField(default=dict, blank=True, help_text="Extra template context")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "facility", "due_at"],
                name="uniq_scheduled_notice",
                nulls_distinct=False,
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"], name="scheduled_notice_pending", condition=Q(state="pending")
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.subject_id} due {self.due_at:%Y-%m-%d %H:%M} ({self.state})"


class Notice(models.Model):
    """One row in a user's in-app inbox."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    facility = models.ForeignKey(
        "portal.Facility", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    scheduled = models.ForeignKey(
        ScheduledNotice, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheduled", "user"],
                name="uniq_notice_per_scheduled_user",
                condition=Q(scheduled__isnull=False),
            )
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notice_user_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class OutboundEmail(models.Model):
    """Transactional outbox: the e-mail of a notice, written with the notice; delivered to
    Django's e-mail backend afterwards (stable Message-ID, so a resend is recognisable)."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    notice = models.OneToOneField(Notice, on_delete=models.CASCADE, related_name="email")
    to = models.EmailField()
    subject = models.CharField(max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    message_id = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["id"], name="outbound_email_pending", condition=Q(state="pending"))
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject} ({self.state})"


class NoticePreference(models.Model):
    """A user's channel for one kind; without a row the kind's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    kind = models.CharField(max_length=60)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="uniq_notice_preference")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}: {self.channel}"
