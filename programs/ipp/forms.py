"""IPP forms: the catalogue file, a funds entry, a measure's result, an investment application,
the plan's decision, a published document and the public feedback form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from portal.files.uploads import check_upload
from programs.ipp.models import IppApplication, IppCapItem, IppPublicDocument
from programs.ipp.services.funds import FUNDS_KINDS


def money_field(label: str, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )


class DateInput(forms.DateInput):
    input_type = "date"


class CsvUploadForm(forms.Form):
    file = forms.FileField(label="Catalogue file (CSV)")


class FundsEntryForm(forms.Form):
    submission = forms.TypedChoiceField(label="Submission", coerce=int)
    kind = forms.ChoiceField(label="What happened", choices=FUNDS_KINDS)
    amount = money_field("Amount ($)")
    on_date = forms.DateField(label="Date", widget=DateInput)
    memo = forms.CharField(label="Why (memo)", max_length=250)

    def __init__(self, *args: Any, submissions: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["submission"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s.pk, f"Submission {s.code}") for s in submissions]


class ResultForm(forms.Form):
    reported = forms.CharField(label="What the plan reported", required=False, max_length=2000)
    met = forms.TypedChoiceField(
        label="Credited by DHCS",
        choices=[("", "No result yet"), ("yes", "Yes, full points"), ("no", "No points")],
        required=False,
        coerce=lambda v: v == "yes",
        empty_value=None,
    )
    tier = forms.CharField(label="Tier credited", required=False, max_length=40)


def _checked_pdf(upload: Any) -> Any:
    try:
        check_upload(upload, allowed_types=("application/pdf",))
    except ValidationError:
        raise
    return upload


class ApplicationForm(forms.Form):
    organisation = forms.TypedChoiceField(label="Organisation", coerce=int)
    title = forms.CharField(label="Investment", max_length=200)
    purpose = forms.CharField(
        label="What it builds and for whom",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    priority_area = forms.TypedChoiceField(
        label="Priority area",
        coerce=int,
        choices=[
            (1, "1 Delivery system infrastructure"),
            (2, "2 ECM provider capacity"),
            (3, "3 Community Supports capacity and take-up"),
            (4, "4 Quality and emerging CalAIM priorities"),
        ],
    )
    line_1 = forms.CharField(label="Budget line 1", max_length=200)
    amount_1 = money_field("Amount 1 ($)")
    line_2 = forms.CharField(label="Budget line 2 (optional)", max_length=200, required=False)
    amount_2 = money_field("Amount 2 ($)", required=False)
    line_3 = forms.CharField(label="Budget line 3 (optional)", max_length=200, required=False)
    amount_3 = money_field("Amount 3 ($)", required=False)
    document = forms.FileField(label="Supporting document (PDF, optional)", required=False)

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(o.pk, o.name) for o in organisations]

    def clean_document(self) -> Any:
        upload = self.cleaned_data.get("document")
        return _checked_pdf(upload) if upload else None

    def budget_lines(self) -> list[tuple[str, Decimal]]:
        return [
            (self.cleaned_data[f"line_{i}"], self.cleaned_data[f"amount_{i}"])
            for i in (1, 2, 3)
            if self.cleaned_data.get(f"line_{i}") and self.cleaned_data.get(f"amount_{i}")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in (2, 3):
            if bool(data.get(f"line_{i}")) != bool(data.get(f"amount_{i}")):
                self.add_error(
                    f"amount_{i}", f"Give budget line {i} both a description and an amount."
                )
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            (IppApplication.Status.APPROVED, "Award"),
            (IppApplication.Status.DECLINED, "Decline"),
        ],
        widget=forms.RadioSelect,
    )
    amount = money_field("Amount awarded ($)", required=False)
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == IppApplication.Status.APPROVED and not data.get("amount"):
            self.add_error("amount", "Say how much is awarded.")
        return data


class PublicDocumentForm(forms.Form):
    program_year = forms.TypedChoiceField(label="Program year", coerce=int)
    county = forms.CharField(label="County", max_length=40)
    kind = forms.ChoiceField(label="Document", choices=IppPublicDocument.Kind.choices)
    dhcs_approved_on = forms.DateField(label="Approved by DHCS on", widget=DateInput)
    file = forms.FileField(label="File (PDF)")

    def __init__(self, *args: Any, years: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["program_year"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(y.pk, str(y)) for y in years]

    def clean_file(self) -> Any:
        return _checked_pdf(self.cleaned_data["file"])


class FeedbackForm(forms.Form):
    name = forms.CharField(label="Your name (optional)", max_length=120, required=False)
    email = forms.EmailField(label="E-mail, if you want an answer (optional)", required=False)
    organisation = forms.CharField(label="Organisation (optional)", max_length=200, required=False)
    county = forms.CharField(label="County (optional)", max_length=40, required=False)
    message = forms.CharField(
        label="Your feedback", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    # spam resistance without a third-party service: a field people never see (robots fill
    # it) and a signed time the form was shown (a post faster than a person types is refused)
    website = forms.CharField(required=False, label="Leave this empty", max_length=200)
    shown = forms.CharField(widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Answer", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class SurveyForm(forms.Form):
    organisation = forms.TypedChoiceField(label="Organisation", coerce=int)
    members_served = forms.IntegerField(
        label="Plan members you served this year", min_value=0, max_value=10_000_000
    )
    staff_needed = forms.IntegerField(
        label="Care staff you lack to meet demand", min_value=0, max_value=100_000
    )
    top_needs = forms.CharField(
        label="What would most help you serve more members",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    barriers = forms.CharField(
        label="Barriers (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(o.pk, o.name) for o in organisations]


class CapItemForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=IppCapItem.Status.choices)
    note = forms.CharField(label="Note", max_length=500, required=False)
    document = forms.FileField(label="Document (PDF)", required=False)

    def clean_document(self) -> Any:
        upload = self.cleaned_data.get("document")
        return _checked_pdf(upload) if upload else None
