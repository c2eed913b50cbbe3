"""The notification preferences form: one choice per kind, mandatory kinds locked."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from portal.models import Channel
from portal.notifications.selectors import PreferenceRow


class NoticePreferencesForm(forms.Form):
    def __init__(self, *args: Any, rows: list[PreferenceRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            help_text = row.kind.description
            if row.is_locked:
                help_text += " Always sent in the portal and by e-mail; it cannot be turned off."
            self.fields[row.kind.key] = forms.ChoiceField(
                label=row.kind.label,
                choices=Channel.choices,
                initial=row.channel,
                widget=forms.RadioSelect,
                disabled=row.is_locked,
                help_text=help_text,
            )
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.add_input(Submit("save", "Save notification settings"))

    def changed_channels(self) -> dict[str, str]:
        """Channels of the kinds the user may change."""
        return {
            row.kind.key: self.cleaned_data[row.kind.key] for row in self.rows if not row.is_locked
        }
