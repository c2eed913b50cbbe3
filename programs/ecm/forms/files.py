"""Sending a month's RTF or OTF."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from portal.forms import typed_field
from programs.ecm.models import FileKind

MONTHS = [
    (1, "January"),
    (2, "February"),
    (3, "March"),
    (4, "April"),
    (5, "May"),
    (6, "June"),
    (7, "July"),
    (8, "August"),
    (9, "September"),
    (10, "October"),
    (11, "November"),
    (12, "December"),
]


class ReportUploadForm(forms.Form):
    year = forms.TypedChoiceField(label="Measurement year", coerce=int, choices=())
    month = forms.TypedChoiceField(label="Reporting month", coerce=int, choices=MONTHS)
    kind = forms.ChoiceField(
        label="File",
        choices=[
            (FileKind.RTF, "Return Transmission File (RTF)"),
            (FileKind.OTF, "Outreach Tracker File (OTF)"),
        ],
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label="CSV or Excel file",
        help_text="UTF-8 CSV or an Excel workbook (.xlsx; its RTF or OTF sheet) with the DHCS "
        "column headers in row 1 (see the file guide).",
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        typed_field(self, "year", forms.TypedChoiceField).choices = [(y, str(y)) for y in years]

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > settings.WQIP_UPLOAD_MAX_BYTES:
            raise forms.ValidationError("The file is larger than the upload limit.")
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        return upload
