from __future__ import annotations

from typing import TypeVar

from django import forms

_F = TypeVar("_F", bound=forms.Field)


class DateInput(forms.DateInput):
    input_type = "date"


class ConfirmForm(forms.Form):
    """An empty form: a POST that only needs the CSRF token."""


def typed_field(form: forms.BaseForm, name: str, kind: type[_F]) -> _F:
    """``form.fields[name]`` as the class the form declares it with (``fields`` holds plain
    ``Field``s for the type checker), to set its ``choices`` or ``queryset`` at run time."""
    field = form.fields[name]
    assert isinstance(field, kind), f"{name} is a {type(field).__name__}, not a {kind.__name__}"
    return field
