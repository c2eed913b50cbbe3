"""Forms of the dispute pages (crispy-bootstrap5, visible labels, choices scoped by user)."""

from __future__ import annotations

import calendar
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from disputes.models import Dispute, DisputeType, Note, Outcome, Status
from disputes.selectors import case_workers, member_ranges_for
from payments.models import PaymentRun
from payments.selectors import ledger_entries_for
from portal.models import (
    Facility,
    User,
)
from portal.registry.selectors import visible_facilities
from programs.wqip.models import ProgramYear

MAX_MEMBER_RANGES = 300
# more bed days than any facility has in a program year (and within PostgreSQL's integer)
MAX_ADJUSTMENT_DAYS = 1_000_000


class DateInput(forms.DateInput):
    input_type = "date"


def _helper(label: str, *, name: str = "save", method: str = "post") -> FormHelper:
    helper = FormHelper()
    helper.form_method = method
    helper.add_input(Submit(name, label))
    return helper


def _inner_helper(label: str, *, name: str) -> FormHelper:
    """For forms the template wraps in its own <form action=...> (no nested form tags)."""
    helper = _helper(label, name=name)
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class StartDisputeForm(forms.Form):
    """First step: which facility, program year and type (a draft is made from it)."""

    facility = forms.ModelChoiceField(label="Facility", queryset=Facility.objects.none())
    program_year = forms.ModelChoiceField(
        label="Program year", queryset=ProgramYear.objects.order_by("-year")
    )
    dispute_type = forms.ChoiceField(label="What do you dispute?", choices=DisputeType.choices)
    month = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=12)
    member_range = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = visible_facilities(user=user).order_by("name")
        self.helper = _helper("Start draft")


class DisputeForm(forms.ModelForm):
    """The filing itself; saved as a draft whether complete or not."""

    months = forms.TypedMultipleChoiceField(
        label="Disputed months",
        required=False,
        coerce=int,
        choices=[(m, calendar.month_name[m]) for m in range(1, 13)],
        widget=forms.CheckboxSelectMultiple,
        help_text="Whole months whose bed days you dispute.",
    )
    member_ranges = forms.ModelMultipleChoiceField(
        label="Disputed member-days",
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Days the plan excluded, per member (member IDs are masked).",
    )

    class Meta:
        model = Dispute
        fields = [
            "payment_run",
            "ledger_entry",
            "report_reference",
            "plan_action_on",
            "explanation",
            "amount_sought",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        labels = {
            "payment_run": "Payment run disputed",
            "ledger_entry": "Ledger entry disputed",
            "report_reference": "Report or other reference",
            "plan_action_on": "Date of the plan's action (payment, recoupment or report; the "
            "due date if nothing was paid)",
            "explanation": "What is wrong and why",
            "amount_sought": "Amount you believe is owed (USD)",
            "contact_name": "Contact name",
            "contact_email": "Contact e-mail",
            "contact_phone": "Contact phone",
        }
        widgets = {"plan_action_on": DateInput, "explanation": forms.Textarea(attrs={"rows": 5})}

    def __init__(
        self,
        *args: Any,
        user: User,
        dispute: Dispute,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, instance=dispute, **kwargs)
        year = dispute.program_year.year
        self.fields["ledger_entry"].queryset = ledger_entries_for(user=user).filter(
            facility=dispute.facility, program_year=year
        )
        self.fields["ledger_entry"].label_from_instance = lambda e: (
            f"{e.posted_at:%d %b %Y} {e.get_kind_display()} {e.amount} ({e.memo})"
        )
        self.fields["payment_run"].queryset = PaymentRun.objects.filter(
            program_year=year,
            status=PaymentRun.Status.POSTED,
            lines__facility=dispute.facility,
        ).distinct()
        self.fields["payment_run"].label_from_instance = lambda r: (
            f"{r.get_kind_display()} run of {r.posted_at:%d %b %Y}"
        )
        ranges = member_ranges_for(user=user, facility_id=dispute.facility_id, program_year=year)
        chosen = list(dispute.items.all())
        chosen_keys = {(i.member_id, i.first_day, i.last_day) for i in chosen if i.member_id}
        selected = [
            r.pk
            for r in ranges.filter(member_id__in={key[0] for key in chosen_keys})
            if (r.member_id, r.first_day, r.last_day) in chosen_keys
        ]
        ids = list(ranges.exclude(outcome=0).values_list("pk", flat=True)[:MAX_MEMBER_RANGES])
        ids += selected
        self.fields["member_ranges"].queryset = ranges.filter(pk__in=ids)
        self.fields["member_ranges"].label_from_instance = _range_label
        self.initial.setdefault("months", [i.month for i in chosen if i.month])
        self.initial.setdefault("member_ranges", selected)
        self.fields["amount_sought"].widget.attrs["inputmode"] = "decimal"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def _range_label(member_range: Any) -> str:
    tail = member_range.member_id[-4:]
    return (
        f"Member •••{tail}: {member_range.first_day:%d %b %Y} to "
        f"{member_range.last_day:%d %b %Y} ({member_range.days} days, "
        f"{member_range.reason.replace('_', ' ')})"
    )


class PaperDisputeForm(forms.ModelForm):
    received_on = forms.DateField(
        label="Date the plan received the paper dispute", widget=DateInput
    )

    class Meta:
        model = Dispute
        fields = [
            "facility",
            "program_year",
            "dispute_type",
            "report_reference",
            "plan_action_on",
            "explanation",
            "amount_sought",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        labels = DisputeForm.Meta.labels | {"dispute_type": "Dispute type"}
        widgets = DisputeForm.Meta.widgets

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = visible_facilities(user=user).order_by("name")
        self.helper = _helper("Enter paper dispute")


class AttachmentForm(forms.Form):
    file = forms.FileField(label="File (PDF, PNG or JPEG)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _inner_helper("Upload", name="upload")


class MessageForm(forms.Form):
    body = forms.CharField(label="Message to the plan", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _inner_helper("Send message", name="send")


class NoteForm(forms.Form):
    body = forms.CharField(label="Note or message", widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(
        label="Who sees it",
        choices=Note.Visibility.choices,
        initial=Note.Visibility.INTERNAL,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _inner_helper("Add note", name="add_note")


class NoteEditForm(forms.Form):
    body = forms.CharField(label="Text", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Save changes")


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label="Assign to", queryset=User.objects.none())
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=250)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = case_workers()
        self.fields["assignee"].label_from_instance = lambda u: u.full_name or u.email
        self.helper = _inner_helper("Assign", name="assign")


class ReturnForm(forms.Form):
    missing = forms.CharField(
        label="What is missing (the facility sees this)", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _inner_helper("Return for information", name="return")


class DeterminationForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=Outcome.choices, widget=forms.RadioSelect)
    reasoning = forms.CharField(
        label="Written reasoning (goes in the letter)", widget=forms.Textarea(attrs={"rows": 6})
    )
    amount = forms.DecimalField(
        label="Amount owed to the facility as a result (USD)",
        max_digits=14,
        decimal_places=2,
        min_value=0,
        initial=0,
    )
    adjustment_days = forms.IntegerField(
        label="Bed days to add (bed-day count disputes; negative to remove)",
        initial=0,
        required=False,
        min_value=-MAX_ADJUSTMENT_DAYS,
        max_value=MAX_ADJUSTMENT_DAYS,
    )

    def __init__(self, *args: Any, dispute: Dispute, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if dispute.dispute_type != DisputeType.BED_DAY_COUNT:
            del self.fields["adjustment_days"]
        self.helper = _helper("Issue determination", name="determine")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("outcome") == Outcome.UPHELD and (
            data.get("amount") or data.get("adjustment_days")
        ):
            raise forms.ValidationError("An upheld action changes nothing: amount and days are 0.")
        return data


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False)
    assignee = forms.ChoiceField(label="Assigned to", required=False)
    dispute_type = forms.ChoiceField(label="Type", required=False)
    due = forms.ChoiceField(
        label="Due",
        required=False,
        choices=[
            ("", "Any"),
            ("soon", "Due within 5 working days"),
            ("overdue", "Overdue"),
        ],
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("decision_due", "Decision due (soonest first)"),
            ("-decision_due", "Decision due (latest first)"),
            ("received", "Received"),
            ("facility", "Facility"),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "All (not drafts)"), ("open", "Open")] + [
            (v, lbl) for v, lbl in Status.choices if v != Status.DRAFT
        ]
        self.fields["assignee"].choices = [("", "Anyone"), ("me", "Me"), ("none", "Unassigned")] + [
            (str(u.pk), u.full_name or u.email) for u in case_workers()
        ]
        self.fields["dispute_type"].choices = [("", "All types"), *DisputeType.choices]
        self.helper = _helper("Filter", name="filter", method="get")
        self.helper.form_class = "row row-cols-lg-auto g-3 align-items-end"
        self.helper.disable_csrf = True
