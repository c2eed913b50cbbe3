from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from portal.models import Facility, FacilityType, ProgramYear, Role, User
from portal.selectors import administered_facilities


class DateInput(forms.DateInput):
    input_type = "date"


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
        data = super().clean()
        opens, closes = data.get("opt_in_opens_on"), data.get("opt_in_closes_on")
        if opens and closes and closes < opens:
            self.add_error("opt_in_closes_on", "The window cannot close before it opens.")
        return data


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
        self.fields["facilities"].queryset = administered_facilities(user=admin).order_by("name")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None and existing.role not in (Role.FACILITY_STAFF, Role.FACILITY_ADMIN):
            raise forms.ValidationError("This e-mail address belongs to a plan account.")
        return email


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
        self.fields["county"].choices = [("", "Any county"), *((c, c) for c in counties)]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class ConfirmForm(forms.Form):
    """An empty form: a POST that only needs the CSRF token."""
