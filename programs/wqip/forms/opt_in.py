"""Forms of the opt-in steps and of the liaison review (crispy-bootstrap5)."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError

from portal.files.uploads import check_upload
from portal.forms import typed_field
from portal.models import (
    Role,
    User,
)
from programs.wqip.models import (
    OptIn,
    OptInDocument,
    OptInVersion,
    ProgramYear,
)
from programs.wqip.services.opt_in import DOCUMENT_TYPES
from programs.wqip.texts import (
    ATTESTATION_TEXT,
    ATTESTATION_VERSION,
    TERMS_TEXT,
    TERMS_VERSION,
)

CONTACT_SLOTS = 4


class DateInput(forms.DateInput):
    input_type = "date"


def _helper(label: str, *, name: str = "save", method: str = "post") -> FormHelper:
    helper = FormHelper()
    helper.form_method = method
    helper.add_input(Submit(name, label))
    return helper


class SignerForm(forms.ModelForm):
    class Meta:
        model = OptInVersion
        fields = ["signer_name", "signer_title", "signer_email", "signer_phone"]
        labels = {
            "signer_name": "Full name",
            "signer_title": "Job title",
            "signer_email": "E-mail address",
            "signer_phone": "Phone number",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True
        self.fields["signer_email"].widget.attrs["autocomplete"] = "email"
        self.fields["signer_phone"].widget.attrs["autocomplete"] = "tel"
        self.helper = _helper("Save and continue")


class PayeeForm(forms.ModelForm):
    payee_tin = forms.CharField(
        label="Payee TIN (9 digits, as on the W-9)",
        max_length=11,
        help_text="Dashes are fine. Bank details stay in the plan's vendor process.",
    )

    class Meta:
        model = OptInVersion
        fields = [
            "payee_legal_name",
            "payee_tin",
            "remittance_address",
            "remittance_contact_name",
            "remittance_contact_email",
            "remittance_contact_phone",
        ]
        labels = {
            "payee_legal_name": "Payee legal name (as on the W-9)",
            "payee_tin": "Payee TIN (9 digits, as on the W-9)",
            "remittance_address": "Remittance address",
            "remittance_contact_name": "Remittance contact name",
            "remittance_contact_email": "Remittance contact e-mail",
            "remittance_contact_phone": "Remittance contact phone (optional)",
        }
        widgets = {"remittance_address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.required = name != "remittance_contact_phone"
        self.helper = _helper("Save and continue")

    def clean_payee_tin(self) -> str:
        return self.cleaned_data["payee_tin"].replace("-", "").replace(" ", "")


class ReportContactsForm(forms.Form):
    """Up to four people told when reports or payments are published; the first is required."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for slot in range(1, CONTACT_SLOTS + 1):
            required = slot == 1
            suffix = "" if required else " (optional)"
            self.fields[f"contact_{slot}_name"] = forms.CharField(
                label=f"Contact {slot} name{suffix}", max_length=150, required=required
            )
            self.fields[f"contact_{slot}_email"] = forms.EmailField(
                label=f"Contact {slot} e-mail{suffix}", required=required
            )
            self.fields[f"contact_{slot}_phone"] = forms.CharField(
                label=f"Contact {slot} phone (optional)", max_length=30, required=False
            )
        self.helper = _helper("Save and continue")

    @classmethod
    def initial_from(cls, opt_in: OptIn) -> dict[str, str]:
        initial: dict[str, str] = {}
        for slot, contact in enumerate(opt_in.report_contacts.all()[:CONTACT_SLOTS], start=1):
            initial[f"contact_{slot}_name"] = contact.name
            initial[f"contact_{slot}_email"] = contact.email
            initial[f"contact_{slot}_phone"] = contact.phone
        return initial

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for slot in range(2, CONTACT_SLOTS + 1):
            name, email = data.get(f"contact_{slot}_name"), data.get(f"contact_{slot}_email")
            if name and not email:
                self.add_error(f"contact_{slot}_email", "Give this contact's e-mail address.")
            if email and not name:
                self.add_error(f"contact_{slot}_name", "Give this contact's name.")
        return data

    def contacts(self) -> list[dict[str, str]]:
        rows = []
        for slot in range(1, CONTACT_SLOTS + 1):
            name = self.cleaned_data.get(f"contact_{slot}_name")
            if name:
                rows.append(
                    {
                        "name": name,
                        "email": self.cleaned_data[f"contact_{slot}_email"],
                        "phone": self.cleaned_data.get(f"contact_{slot}_phone", ""),
                    }
                )
        return rows


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label="Document type", choices=OptInDocument.Kind.choices)
    file = forms.FileField(
        label="File",
        help_text="W-9: PDF. Other documents: PDF, PNG or JPEG. At most 10 MB.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg"
        self.helper = _helper("Upload", name="upload")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        upload, kind = data.get("file"), data.get("kind")
        if upload is not None and kind:
            try:
                check_upload(upload, allowed_types=DOCUMENT_TYPES[OptInDocument.Kind(kind)])
            except ValidationError as exc:
                self.add_error("file", exc)
        return data


class AcknowledgementsForm(forms.ModelForm):
    accept_terms = forms.BooleanField(
        label=f"I acknowledge the WQIP program terms (version {TERMS_VERSION}).",
        help_text=TERMS_TEXT,
    )

    class Meta:
        model = OptInVersion
        fields = ["webinar_1_on", "webinar_2_on"]
        labels = {
            "webinar_1_on": "Date of the first informational webinar (attended or to attend)",
            "webinar_2_on": "Date of the second informational webinar (attended or to attend)",
        }
        widgets = {"webinar_1_on": DateInput(), "webinar_2_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["webinar_1_on"].required = self.fields["webinar_2_on"].required = True
        self.helper = _helper("Save and continue")


class SubmitForm(forms.Form):
    attestation = forms.BooleanField(
        label=f"I accept the attestation (version {ATTESTATION_VERSION}).",
        help_text=ATTESTATION_TEXT,
    )
    typed_name = forms.CharField(label="Type your full name to sign", max_length=150)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["typed_name"].widget.attrs["autocomplete"] = "name"
        self.helper = _helper("Sign and submit", name="submit_opt_in")


class AmendmentForm(forms.Form):
    reason = forms.CharField(
        label="What do you need to change?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Payee, W-9 or signer changes are reviewed; the approved form stays in force "
        "until the amendment is approved. Facility identifiers come from the registry and "
        "cannot be amended.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Start amendment", name="amend")


class ReviewDecisionForm(forms.Form):
    DECISIONS = [
        ("approve", "Approve"),
        ("return", "Return for correction"),
        ("reject", "Reject"),
    ]
    decision = forms.ChoiceField(label="Decision", choices=DECISIONS, widget=forms.RadioSelect)
    comments = forms.CharField(
        label="Comments or reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required to return (what to correct) or reject (the reason). The facility "
        "sees them.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Record decision", name="decide")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("decision") in ("return", "reject") and not data.get("comments", "").strip():
            self.add_error("comments", "Say what to correct, or why the opt-in is rejected.")
        return data


class AssignForm(forms.Form):
    liaison = forms.ModelChoiceField(
        label="Assigned liaison", queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        typed_field(self, "liaison", forms.ModelChoiceField).queryset = User.objects.filter(
            role=Role.LTSS_LIAISON, is_active=True
        ).order_by("email")
        self.helper = _helper("Assign", name="assign")


class LateSubmissionForm(forms.Form):
    late_reason = forms.CharField(
        label="Reason for allowing a late submission", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Allow late submission", name="allow_late")


class ExtensionForm(forms.Form):
    closes_on = forms.DateField(label="New closing date", widget=DateInput())
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Grant extension")


class QueueFilterForm(forms.Form):
    program_year = forms.TypedChoiceField(label="Program year", required=False, coerce=int)
    status = forms.ChoiceField(label="Status", required=False)
    county = forms.ChoiceField(label="County", required=False)
    overdue = forms.BooleanField(label="Overdue only (over 10 working days)", required=False)
    mine = forms.BooleanField(label="Assigned to me", required=False)

    def __init__(self, *args: Any, counties: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        typed_field(self, "program_year", forms.TypedChoiceField).choices = [("", "All years")] + [
            (py.year, str(py)) for py in ProgramYear.objects.order_by("-year")
        ]
        typed_field(self, "status", forms.ChoiceField).choices = [
            ("", "Awaiting or decided (not drafts)")
        ] + [(value, label) for value, label in OptInVersion.Status.choices]
        typed_field(self, "county", forms.ChoiceField).choices = [("", "All counties")] + [
            (c, c) for c in counties
        ]
        self.helper = _helper("Filter", name="filter", method="get")
        self.helper.form_class = "row row-cols-lg-auto g-3 align-items-end"
        self.helper.disable_csrf = True
