"""Program-year forms."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from portal.forms import DateInput
from programs.wqip.models import ProgramYear


class ProgramYearWindowForm(forms.ModelForm):
    class Meta:
        model = ProgramYear
        fields = ["opt_in_opens_on", "opt_in_closes_on"]
        labels = {
            "opt_in_opens_on": "Opt-in window opens on",
            "opt_in_closes_on": "Opt-in window closes on (inclusive)",
        }
        widgets = {"opt_in_opens_on": DateInput(), "opt_in_closes_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        opens, closes = data.get("opt_in_opens_on"), data.get("opt_in_closes_on")
        if opens and closes and closes < opens:
            self.add_error("opt_in_closes_on", "The window cannot close before it opens.")
        return data
