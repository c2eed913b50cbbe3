"""Registry forms."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from portal.forms import typed_field
from portal.models import (
    FacilityType,
)


class FacilityFilterForm(forms.Form):
    q = forms.CharField(label="Search name, NPI, HCAI ID or CDPH FACID", required=False)
    eligible = forms.ChoiceField(
        label="WQIP eligibility",
        required=False,
        choices=[("", "Any"), ("yes", "Eligible"), ("no", "Not eligible")],
    )
    facility_type = forms.ChoiceField(
        label="Facility type", required=False, choices=[("", "Any type"), *FacilityType.choices]
    )
    county = forms.ChoiceField(label="County", required=False, choices=[("", "Any county")])
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("name", "Name (A to Z)"),
            ("-name", "Name (Z to A)"),
            ("county", "County"),
            ("-beds", "Licensed beds (most first)"),
            ("beds", "Licensed beds (fewest first)"),
        ],
    )

    def __init__(self, *args: Any, counties: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        typed_field(self, "county", forms.ChoiceField).choices = [
            ("", "Any county"),
            *((c, c) for c in counties),
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
