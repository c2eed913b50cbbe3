"""Staged imports of the state's registry files and the addresses they are fetched from
(issue 24): an import first shows what it would change; a person applies or discards it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from portal.files.models import private_storage


class StateSource(models.TextChoices):
    """The state's files, each with an optional download address (``StateFileAddress``)."""

    LISTING = "cdph_listing", "CDPH Licensed and Certified Healthcare Facility Listing"
    CROSSWALK = "cdph_crosswalk", "CDPH facility crosswalk (FACID, HCAI ID, CCN, NPI)"
    BED_TYPES = "cdph_bed_types", "CDPH bed types and counts"
    ENFORCEMENT = "cdph_enforcement", "CDPH State Enforcement Actions (citations)"


class StateFileAddress(models.Model):
    """Where the monthly refresh fetches a source from; empty or disabled = off (the default)."""

    source = models.CharField(max_length=30, choices=StateSource.choices, unique=True)
    url = models.URLField("Download address", max_length=500, blank=True)
    enabled = models.BooleanField("Fetch every month", default=False)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=300, blank=True)
    last_sha256 = models.CharField(max_length=64, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source"]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.url or 'off'}"

    @property
    def is_on(self) -> bool:
        return self.enabled and bool(self.url)


class RegistryImport(models.Model):
    """A listing (with its crosswalk and bed types) read and compared with the registry; it
    changes nothing until applied."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPLIED = "applied", "Applied"
        DISCARDED = "discarded", "Discarded"

    class Origin(models.TextChoices):
        UPLOAD = "upload", "Uploaded"
        DOWNLOAD = "download", "Fetched from the configured address"
        COMMAND = "command", "Command line"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.UPLOAD)
    files = models.JSONField(default=list)  # [{source, name, size, sha256}]
    vintage = models.JSONField(default=dict)  # {id_column, data_date, other_types}
    counts = models.JSONField(default=dict)
    changes = models.JSONField(default=list)  # state_diff.FacilityChange.as_data()
    not_added = models.JSONField(default=list)
    registry_fingerprint = models.CharField(max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Registry import #{self.pk} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("portal:registry_import_detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def listing_name(self) -> str:
        return next((f["name"] for f in self.files if f.get("source") == "cdph_listing"), "")


class FetchedStateFile(models.Model):
    """A file the monthly refresh fetched for a source another app reads (the enforcement
    actions: WQIP's citations). It waits for review: the app's preview (what an import would do)
    is shown, and a person imports or discards it (``state_sources.FETCHED_FILE_HANDLERS``)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        IMPORTED = "imported", "Imported"
        DISCARDED = "discarded", "Discarded"

    source = models.CharField(max_length=30, choices=StateSource.choices)
    file = models.FileField(storage=private_storage, upload_to="state_files/", max_length=200)
    name = models.CharField(max_length=150)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    preview = models.JSONField(default=dict)  # what importing it would do, by the app
    outcome = models.CharField(max_length=300, blank=True)
    fetched_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-fetched_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} fetched {self.fetched_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("portal:fetched_file_detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
