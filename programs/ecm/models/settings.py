"""Program settings per measurement year: measures, weights or points, targets, the scoring
model, the score -> bonus mapping, the report due day and the value lists of the files."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from programs.ecm.intake.columns import DEFAULT_CODES, DEFAULT_COUNTED_STATUSES


def default_codes() -> dict[str, list[str]]:
    return {name: list(values) for name, values in DEFAULT_CODES.items()}


def default_counted_statuses() -> list[str]:
    return list(DEFAULT_COUNTED_STATUSES)


class ScoringModel(models.TextChoices):
    TIMELINESS = "timeliness", "Timeliness (pool per member-month x success rates)"
    POINTS = "points", "100 points (score -> bonus % of reimbursement)"


class ScoreMapping(models.TextChoices):
    LINEAR = "linear", "Linear (cap % x score / 100)"
    BANDS = "bands", "Bands (the % of the highest band reached)"


class Measure(models.TextChoices):
    """The measures the engine computes (programs.ecm.engine.scoring.MEASURE_SOURCES)."""

    RTF_TIMELY = "rtf_timely", "RTF received on time"
    OTF_TIMELY = "otf_timely", "OTF received on time"
    ENCOUNTER_IN_MONTH = "encounter_in_month", "Members with an encounter in the month"
    CARE_PLAN_CURRENT = "care_plan_current", "Members with a care plan revised in 12 months"
    ASSESSMENT_COMPLETED = "assessment_completed", "Members with a completed assessment"
    OUTREACH_SUCCESS = "outreach_success", "Outreach attempts that were successful"


class MeasurementYear(models.Model):
    year = models.PositiveSmallIntegerField(unique=True, help_text="Calendar year measured")
    scoring_model = models.CharField(
        max_length=12, choices=ScoringModel.choices, default=ScoringModel.TIMELINESS
    )
    rate_per_member_month = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=[MinValueValidator(Decimal(0))],
        help_text="Timeliness model: dollars per eligible member-month (the pool)",
    )
    score_mapping = models.CharField(
        max_length=8, choices=ScoreMapping.choices, default=ScoreMapping.LINEAR
    )
    cap_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("5.00"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text="100-point model: the highest bonus, in % of total reimbursement",
    )
    cap_amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="100-point model: the highest bonus in dollars (empty: no dollar cap)",
    )
    due_day = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text="The RTF and OTF for a month are due on this day of the following month",
    )
    due_in_working_days = models.BooleanField(
        default=False,
        help_text="Count the due day in California working days (else calendar days)",
    )
    mcp_id = models.CharField(
        "plan's MCP identifier",
        max_length=20,
        default="MCP001",
        help_text="The Primary Payer (MCP) Identifier every file must carry",
    )
    codes = models.JSONField(
        default=default_codes,
        help_text="Value lists of the files: ecm_statuses, acuity_levels, pof_codes, "
        "discontinuation_codes, outreach_methods",
    )
    counted_statuses = models.JSONField(
        default=default_counted_statuses,
        help_text="ECM statuses that make a member count as eligible for the month",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_day__gte=1, due_day__lte=31), name="ecm_year_due_day_range"
            ),
            models.CheckConstraint(
                condition=Q(cap_percent__gte=0, cap_percent__lte=100), name="ecm_year_cap_range"
            ),
        ]

    def __str__(self) -> str:
        return f"ECM QIP {self.year}"


class YearMeasure(models.Model):
    """A measure of a year: its share (timeliness model) or points and target (100-point)."""

    measurement_year = models.ForeignKey(
        MeasurementYear, on_delete=models.CASCADE, related_name="measures"
    )
    code = models.CharField(max_length=32, choices=Measure.choices)
    weight = models.DecimalField(
        "share",
        max_digits=6,
        decimal_places=4,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text="Timeliness model: the measure's share (shares are normalised to 1)",
    )
    points = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(100)],
        help_text="100-point model: points earned when the target is met",
    )
    target = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text="100-point model: the success rate (0-1) the measure must reach",
    )

    class Meta:
        ordering = ["measurement_year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measurement_year", "code"], name="ecm_year_measure_once"
            ),
            models.CheckConstraint(
                condition=Q(target__gte=0, target__lte=1), name="ecm_measure_target_range"
            ),
        ]

    def __str__(self) -> str:
        return self.get_code_display()


class ScoreBand(models.Model):
    """100-point model with bands: from ``min_score`` points the bonus is ``percent``."""

    measurement_year = models.ForeignKey(
        MeasurementYear, on_delete=models.CASCADE, related_name="bands"
    )
    min_score = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        ordering = ["measurement_year", "min_score"]
        constraints = [
            models.UniqueConstraint(fields=["measurement_year", "min_score"], name="ecm_band_once")
        ]

    def __str__(self) -> str:
        return f"from {self.min_score} points: {self.percent}%"
