"""A measurement year's settings on one page: the model, the measures, the mapping, the due
day and the files' value lists."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from programs.ecm.models import Measure, MeasurementYear, ScoreMapping, ScoringModel
from programs.ecm.services.settings import CODE_LISTS, MeasureSetting

LIST_LABELS = {
    "ecm_statuses": "ECM status values",
    "acuity_levels": "Acuity levels",
    "pof_codes": "Population of Focus codes",
    "discontinuation_codes": "Discontinuation reason codes",
    "outreach_methods": "Outreach methods",
}


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


class YearSettingsForm(forms.Form):
    scoring_model = forms.ChoiceField(
        label="Scoring model", choices=ScoringModel.choices, widget=forms.RadioSelect
    )
    rate_per_member_month = forms.DecimalField(
        label="Rate per eligible member-month ($)",
        max_digits=10,
        decimal_places=2,
        min_value=Decimal(0),
        help_text="Timeliness model: the pool is eligible member-months times this rate.",
    )
    score_mapping = forms.ChoiceField(
        label="Score to bonus", choices=ScoreMapping.choices, widget=forms.RadioSelect
    )
    cap_percent = forms.DecimalField(
        label="Bonus cap (% of total reimbursement)",
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
    )
    cap_amount = forms.DecimalField(
        label="Bonus cap in dollars (optional)",
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
    )
    bands = forms.CharField(
        label="Bands (one per line: minimum score = bonus %)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="e.g. 60 = 2 on one line, 80 = 4 on the next. Used with band mapping.",
    )
    due_day = forms.IntegerField(
        label="Report due day",
        min_value=1,
        max_value=31,
        help_text="A month's RTF and OTF are due on this day of the following month.",
    )
    due_in_working_days = forms.BooleanField(
        label="Count the due day in California working days", required=False
    )
    mcp_id = forms.CharField(label="Plan's MCP identifier", max_length=20)
    counted_statuses = forms.CharField(
        label="ECM statuses that make a member eligible (comma-separated)", max_length=500
    )

    def __init__(self, *args: Any, measurement_year: MeasurementYear, **kwargs: Any) -> None:
        year = measurement_year
        chosen = {m.code: m for m in year.measures.all()}
        initial = {
            "scoring_model": year.scoring_model,
            "rate_per_member_month": year.rate_per_member_month,
            "score_mapping": year.score_mapping,
            "cap_percent": year.cap_percent,
            "cap_amount": year.cap_amount,
            "bands": "\n".join(
                f"{b.min_score.normalize():f} = {b.percent.normalize():f}" for b in year.bands.all()
            ),
            "due_day": year.due_day,
            "due_in_working_days": year.due_in_working_days,
            "mcp_id": year.mcp_id,
            "counted_statuses": ", ".join(year.counted_statuses or []),
        }
        for name in CODE_LISTS:
            initial[f"list_{name}"] = ", ".join((year.codes or {}).get(name, []))
        for code, _label in Measure.choices:
            m = chosen.get(code)
            initial[f"{code}_on"] = m is not None
            initial[f"{code}_weight"] = m.weight if m else Decimal(0)
            initial[f"{code}_points"] = m.points if m else 0
            initial[f"{code}_target"] = m.target if m else Decimal(0)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for name in CODE_LISTS:
            self.fields[f"list_{name}"] = forms.CharField(
                label=f"{LIST_LABELS[name]} (comma-separated)", max_length=2000
            )
        self.measure_rows = []
        for code, label in Measure.choices:
            self.fields[f"{code}_on"] = forms.BooleanField(label=f"Use {label}", required=False)
            self.fields[f"{code}_weight"] = forms.DecimalField(
                label=f"Share of {label}",
                max_digits=6,
                decimal_places=4,
                min_value=Decimal(0),
                required=False,
            )
            self.fields[f"{code}_points"] = forms.IntegerField(
                label=f"Points of {label}", min_value=0, max_value=100, required=False
            )
            self.fields[f"{code}_target"] = forms.DecimalField(
                label=f"Target rate of {label} (0 to 1)",
                max_digits=5,
                decimal_places=4,
                min_value=Decimal(0),
                max_value=Decimal(1),
                required=False,
            )
            self.measure_rows.append(
                {
                    "label": label,
                    "on": self[f"{code}_on"],
                    "weight": self[f"{code}_weight"],
                    "points": self[f"{code}_points"],
                    "target": self[f"{code}_target"],
                }
            )

    def clean_bands(self) -> list[tuple[Decimal, Decimal]]:
        bands = []
        for number, line in enumerate(self.cleaned_data["bands"].splitlines(), start=1):
            if not line.strip():
                continue
            try:
                low, pct = (Decimal(part.strip()) for part in line.split("="))
            except (ValueError, InvalidOperation):
                raise forms.ValidationError(
                    f"Line {number} is not 'minimum score = bonus %' (e.g. 80 = 4)."
                ) from None
            if not (0 <= low <= 100 and 0 <= pct <= 100):
                raise forms.ValidationError(f"Line {number}: scores and percents are 0 to 100.")
            bands.append((low, pct))
        return sorted(bands)

    def measures(self) -> list[MeasureSetting]:
        data = self.cleaned_data
        return [
            MeasureSetting(
                code=code,
                weight=data[f"{code}_weight"] or Decimal(0),
                points=data[f"{code}_points"] or 0,
                target=data[f"{code}_target"] or Decimal(0),
            )
            for code, _label in Measure.choices
            if data.get(f"{code}_on")
        ]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "scoring_model": data["scoring_model"],
            "rate_per_member_month": data["rate_per_member_month"],
            "score_mapping": data["score_mapping"],
            "cap_percent": data["cap_percent"],
            "cap_amount": data["cap_amount"],
            "due_day": data["due_day"],
            "due_in_working_days": data["due_in_working_days"],
            "mcp_id": data["mcp_id"].strip(),
            "codes": {name: split_list(data[f"list_{name}"]) for name in CODE_LISTS},
            "counted_statuses": split_list(data["counted_statuses"]),
        }


class NewYearForm(forms.Form):
    year = forms.IntegerField(label="Measurement year", min_value=2022, max_value=2100)
