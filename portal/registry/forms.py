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


class StateFilesUploadForm(forms.Form):
    """The CDPH listing and, optionally, its crosswalk and bed types file (CSV or XLSX)."""

    listing = forms.FileField(
        label="Licensed and Certified Healthcare Facility Listing",
        help_text="CSV or XLSX as downloaded, any vintage (HCAI_ID or OSHPD_ID).",
    )
    crosswalk = forms.FileField(
        label="Crosswalk: FACID, HCAI ID, CCN, NPI (optional)",
        required=False,
        help_text="Fills the HCAI IDs and NPIs the listing lacks.",
    )
    bed_types = forms.FileField(
        label="Bed types and counts (optional)",
        required=False,
        help_text="Gives licensed and Special Treatment Program (STP) beds.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self) -> dict[str, Any]:
        from django.conf import settings

        data = super().clean() or {}
        for name in ("listing", "crosswalk", "bed_types"):
            upload = data.get(name)
            if upload and getattr(upload, "size", 0) > settings.STATE_FILE_MAX_BYTES:
                self.add_error(name, "The file is larger than the upload limit.")
        return data


class StateFileAddressForm(forms.Form):
    """A source's download address for the monthly refresh (empty = off)."""

    url = forms.URLField(
        label="Download address", required=False, max_length=500, assume_scheme="https"
    )
    enabled = forms.BooleanField(label="Fetch every month", required=False)

    def clean_url(self) -> str:
        url: str = self.cleaned_data.get("url") or ""
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError("Enter an http or https address.")
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("enabled") and not data.get("url"):
            self.add_error("url", "Enter the address to fetch, or turn the monthly fetch off.")
        return data
