from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"


class ConfirmForm(forms.Form):
    """An empty form: a POST that only needs the CSRF token."""
