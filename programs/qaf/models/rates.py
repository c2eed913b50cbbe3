"""The QAF rate table: the rates per resident day of each rate year, both tiers."""

from __future__ import annotations

from django.db import models


class QafRateYear(models.Model):
    """A rate year (August-July until 2018-19, calendar years from 2022). Its rates apply once
    CMS approved them (``cms_approved_on``); months declared before that at the previous rate
    owe the difference (QafRateAdjustment)."""

    label = models.CharField(max_length=40, unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    rate_under_100k = models.DecimalField(
        max_digits=8, decimal_places=2, help_text="Per resident day, under 100,000 days a year"
    )
    rate_over_100k = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Per resident day, 100,000 days a year or more (empty: one rate for all)",
    )
    cms_approved_on = models.DateField(
        null=True, blank=True, help_text="Empty while CMS has not approved the rates"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="qaf_rate_year_order"
            ),
            models.CheckConstraint(
                condition=models.Q(rate_under_100k__gt=0)
                & (models.Q(rate_over_100k__isnull=True) | models.Q(rate_over_100k__gt=0)),
                name="qaf_rates_positive",
            ),
        ]
        verbose_name = "QAF rate year"

    def __str__(self) -> str:
        return f"QAF rate year {self.label}"
