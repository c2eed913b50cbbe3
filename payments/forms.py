from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from payments.calculators import calculators
from portal.forms import typed_field


def _year_choices() -> list[tuple[int, str]]:
    years = sorted({year for c in calculators() for year in c.program_years()})
    return [(year, str(year)) for year in years]


def _kind_choices() -> list[tuple[str, str]]:
    """ "program:kind" for every program's kinds of run, labelled with the program."""
    return [
        (f"{c.program}:{kind}", f"{c.title}: {label}")
        for c in calculators()
        for kind, label in c.kinds
    ]


class StartRunForm(forms.Form):
    program_year = forms.TypedChoiceField(label="Program year", coerce=int, choices=())
    kind = forms.ChoiceField(label="Program and kind of run", choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        typed_field(self, "program_year", forms.TypedChoiceField).choices = _year_choices()
        typed_field(self, "kind", forms.ChoiceField).choices = _kind_choices()
        self.helper = FormHelper()
        self.helper.form_tag = False


class ApproveRunForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have checked the draft and approve posting these amounts to the ledger",
        required=True,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("approve", "Approve and post", css_class="btn-danger"))
