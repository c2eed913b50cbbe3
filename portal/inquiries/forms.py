"""Forms of the inquiry pages (crispy-bootstrap5, visible labels, choices scoped by user)."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from portal.cases.roles import case_workers
from portal.forms import typed_field
from portal.inquiries.models import Category, Inquiry, Status
from portal.models import Organisation, User
from portal.registry.selectors import visible_organisations


class DateInput(forms.DateInput):
    input_type = "date"


def _inner_helper(label: str, *, name: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.add_input(Submit(name, label))
    return helper


class InquiryForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.none()
    )

    class Meta:
        model = Inquiry
        fields = [
            "organisation",
            "category",
            "subject",
            "body",
            "member_cin",
            "service_from",
            "service_to",
        ]
        labels = {
            "body": "Your question",
            "member_cin": "Member's Medi-Cal CIN (optional)",
            "service_from": "Dates of service: from (optional)",
            "service_to": "Dates of service: to (optional)",
        }
        help_texts = {"member_cin": "8 digits and a letter. Only you and the liaison see it."}
        widgets = {
            "body": forms.Textarea(attrs={"rows": 6}),
            "service_from": DateInput(),
            "service_to": DateInput(),
            "member_cin": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = visible_organisations(user=user).order_by("name")
        typed_field(self, "organisation", forms.ModelChoiceField).queryset = organisations
        if organisations.count() == 1 and not self.initial.get("organisation"):
            self.initial["organisation"] = organisations.first()
        self.fields["body"].required = False
        typed_field(self, "category", forms.ChoiceField).choices = [
            ("", "Choose a category"),
            *Category.choices,
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class MessageForm(forms.Form):
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, plan_side: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if plan_side:
            self.fields["internal"] = forms.BooleanField(
                label="Internal note (plan staff only, the facility does not see it)",
                required=False,
            )
        else:
            self.fields["body"].label = "Message to the plan"
        self.helper = _inner_helper("Send", name="send")


class AttachmentForm(forms.Form):
    file = forms.FileField(label="File (PDF, PNG or JPEG)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _inner_helper("Upload", name="upload")


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label="Assign to", queryset=User.objects.none(), required=False, empty_label="Team queue"
    )
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=250)

    def __init__(self, *args: Any, kind: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        typed_field(self, "assignee", forms.ModelChoiceField).queryset = case_workers(kind)
        self.helper = _inner_helper("Assign", name="assign")


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="What is still open", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _inner_helper("Reopen the inquiry", name="reopen")


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any"), ("open", "Open"), *[c for c in Status.choices if c[0] != "draft"]],
    )
    category = forms.ChoiceField(
        label="Category", required=False, choices=[("", "Any"), *Category.choices]
    )
    assignee = forms.ChoiceField(label="Assigned to", required=False)
    due = forms.ChoiceField(
        label="Due",
        required=False,
        choices=[("", "Any"), ("soon", "Due within 2 working days"), ("overdue", "Overdue")],
    )

    def __init__(self, *args: Any, kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workers = {u.pk: u for kind in kinds or [None] for u in case_workers(kind)}  # type: ignore[list-item]
        typed_field(self, "assignee", forms.ChoiceField).choices = [
            ("", "Anyone"),
            ("me", "Me"),
            ("none", "Nobody (team queue)"),
            *[(str(u.pk), str(u)) for u in workers.values()],
        ]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row row-cols-lg-auto g-2 align-items-end"
        self.helper.add_input(Submit("filter", "Filter"))


class MessageEditForm(forms.Form):
    body = forms.CharField(label="Text", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _inner_helper("Save changes", name="save")
