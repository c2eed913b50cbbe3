"""Non-working days: the California state holidays (seeded) and plan closure days (admins)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Holiday(models.Model):
    class Source(models.TextChoices):
        STATE = "state", "California state holiday"
        CLOSURE = "closure", "Plan closure day"

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.CLOSURE)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%a %d %b %Y} {self.name}"
