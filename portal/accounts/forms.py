"""Account forms."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from portal.accounts.selectors import administered_facilities, manageable_roles
from portal.forms import typed_field
from portal.models import (
    Organisation,
    Role,
    User,
)


class InviteUserForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    full_name = forms.CharField(label="Full name", max_length=150)
    role = forms.ChoiceField(
        label="Role",
        choices=[],
        help_text="Administrators can also submit forms and manage users.",
    )
    facilities = forms.ModelMultipleChoiceField(
        label="Facilities",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, admin: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roles = manageable_roles(admin=admin)
        typed_field(self, "role", forms.ChoiceField).choices = [
            (role.value, role.label) for role in Role if role in self.roles
        ]
        organisations = typed_field(self, "facilities", forms.ModelMultipleChoiceField)
        organisations.queryset = administered_facilities(user=admin).order_by("name")
        if not admin.is_facility_user:
            organisations.label = "Organisations"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None and existing.role not in self.roles:
            raise forms.ValidationError("This e-mail address belongs to another kind of account.")
        return email
