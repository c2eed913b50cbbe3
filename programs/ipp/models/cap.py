"""Corrective action plans DHCS asks for when the plan showed too little effort."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from portal.files.models import StoredUpload
from programs.ipp.models.plan import IppProgramYear


class IppCap(models.Model):
    program_year = models.ForeignKey(IppProgramYear, on_delete=models.PROTECT, related_name="caps")
    title = models.CharField(max_length=200)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_on"]
        verbose_name = "IPP corrective action plan"

    def __str__(self) -> str:
        return self.title


class IppCapItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    cap = models.ForeignKey(IppCap, on_delete=models.CASCADE, related_name="items")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description


class IppCapDocument(StoredUpload):
    item = models.ForeignKey(IppCapItem, on_delete=models.PROTECT, related_name="documents")

    def storage_folder(self) -> str:
        return f"ipp/cap/{self.item_id}"
