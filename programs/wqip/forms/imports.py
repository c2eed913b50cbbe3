"""Forms of the finance uploads of WQIP inputs."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings

from portal.forms import typed_field
from programs.wqip.models import ExhibitKind
from programs.wqip.selectors.opt_in import program_years


def _year_choices() -> list[tuple[int, str]]:
    return [(py.year, str(py)) for py in program_years()]


class _UploadForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8 CSV with a header row")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.add_input(Submit("upload", "Upload and import"))

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > settings.WQIP_UPLOAD_MAX_BYTES:
            raise forms.ValidationError("The file is larger than the upload limit.")
        return upload


class PerDiemUploadForm(_UploadForm):
    program_year = forms.TypedChoiceField(label="Program year", coerce=int, choices=())
    exhibit = forms.ChoiceField(label="Exhibit", choices=ExhibitKind.choices)
    received_on = forms.DateField(
        label="Date the plan received the exhibit",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    field_order = ["program_year", "exhibit", "received_on", "file"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        typed_field(self, "program_year", forms.TypedChoiceField).choices = _year_choices()


class CitationUploadForm(_UploadForm):
    file = forms.FileField(
        label="Citations file",
        help_text=(
            "CDPH State Enforcement Actions workbook (XLSX), the enforcement dashboard's export "
            "(CSV or XLSX, also once saved through Excel) or our citations.csv"
        ),
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > settings.STATE_FILE_MAX_BYTES:
            raise forms.ValidationError("The file is larger than the upload limit.")
        return upload


class OptInUploadForm(_UploadForm):
    pass
