"""Account forms."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from portal.accounts.selectors import administered_facilities
from portal.forms import typed_field
from portal.models import (
    Facility,
    Role,
    User,
)


class InviteUserForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    full_name = forms.CharField(label="Full name", max_length=150)
    role = forms.ChoiceField(
        label="Role",
        choices=[
            (Role.FACILITY_STAFF, Role.FACILITY_STAFF.label),
            (Role.FACILITY_ADMIN, Role.FACILITY_ADMIN.label),
        ],
        help_text="Administrators can also submit opt-ins and manage users.",
    )
    facilities = forms.ModelMultipleChoiceField(
        label="Facilities",
        queryset=Facility.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, admin: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        typed_field(
            self, "facilities", forms.ModelMultipleChoiceField
        ).queryset = administered_facilities(user=admin).order_by("name")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None and existing.role not in (Role.FACILITY_STAFF, Role.FACILITY_ADMIN):
            raise forms.ValidationError("This e-mail address belongs to a plan account.")
        return email
