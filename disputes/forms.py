"""Forms of the dispute pages (crispy-bootstrap5, visible labels, choices scoped by user)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from disputes.models import Dispute, Note, Outcome, Status
from disputes.programs import (
    DisputeProgram,
    ItemChoice,
    ItemKind,
    dispute_programs,
    get_program,
    programs_for_kinds,
)
from disputes.selectors import case_workers
from payments.models import LedgerEntry, PaymentRun
from payments.selectors import ledger_entries_for
from portal.accounts.models import PROVIDER_ROLE_KINDS
from portal.cases.roles import case_kinds
from portal.forms import typed_field
from portal.models import (
    Organisation,
    User,
)
from portal.registry.models import OrganisationKind
from portal.registry.selectors import visible_organisations

# more than any adjustment a program makes (WQIP: bed days of a facility in a program year),
# and within PostgreSQL's integer
MAX_ADJUSTMENT_QUANTITY = 1_000_000
BLANK = ("", "---------")


def filing_kinds(user: User) -> list[str]:
    """The kinds of organisation whose disputes the user files: a provider user, their own
    kind; plan staff entering a paper dispute, the kinds their team works."""
    if user.role in PROVIDER_ROLE_KINDS:
        return [PROVIDER_ROLE_KINDS[user.role]]
    return case_kinds(user)


def filing_organisations(user: User) -> Any:
    """The organisations the user may file (or enter) a dispute for."""
    return visible_organisations(user=user).filter(kind__in=filing_kinds(user)).order_by("name")


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


class ProgramChoiceMixin(forms.BaseForm):
    """The program, program year and dispute type of a new dispute (``disputes.programs``).

    With one program registered the program is a hidden field (an empty value means that
    program); with several, the years and types are grouped by program and must be the chosen
    program's. ``self.chosen_program`` is the chosen program once the form is valid."""

    chosen_program: DisputeProgram | None = None

    def set_program_fields(self, *, type_label: str, kinds: Collection[str]) -> None:
        """The programs taking disputes of organisations of ``kinds``."""
        programs = programs_for_kinds(kinds)
        self.programs = {p.program: p for p in programs}
        single = programs[0] if len(programs) == 1 else None
        self.fields["program"] = forms.ChoiceField(
            label="Program",
            required=False,
            choices=[BLANK, *((p.program, p.title) for p in programs)],
            initial=single.program if single else None,
            widget=forms.HiddenInput if single else forms.Select,
        )
        if single:
            years: list[Any] = list(single.year_choices())
            types: list[Any] = single.type_choices()
        else:
            years = [(p.title, p.year_choices()) for p in programs]
            types = [(p.title, p.type_choices()) for p in programs]
        self.fields["program_year"] = forms.TypedChoiceField(
            label="Program year", coerce=int, empty_value=None, choices=[BLANK, *years]
        )
        self.fields["dispute_type"] = forms.ChoiceField(label=type_label, choices=types)

    def clean_program_fields(self, data: dict[str, Any]) -> None:
        if "program" in self.errors:
            return
        label = data.get("program") or ""
        if not label and len(self.programs) == 1:
            label = next(iter(self.programs))
        program = self.programs.get(label)
        if program is None:
            self.add_error("program", "Choose the program.")
            return
        data["program"] = label
        self.chosen_program = program
        organisation = data.get("facility")
        if organisation is not None and organisation.kind not in program.organisation_kinds:
            self.add_error(
                "facility", f"{organisation.name} does not take part in {program.title}."
            )
        year = data.get("program_year")
        if year is not None and year not in dict(program.year_choices()):
            self.add_error("program_year", f"Choose a {program.title} program year.")
        dispute_type = data.get("dispute_type")
        if dispute_type and dispute_type not in dict(program.type_choices()):
            self.add_error("dispute_type", f"Choose a {program.title} dispute type.")


def prefill_kinds() -> list[ItemKind]:
    """The item kinds a link can prefill, once per parameter (a "month" of two programs is
    one field)."""
    kinds: dict[str, ItemKind] = {}
    for program in dispute_programs():
        for kind in program.item_kinds:
            if kind.prefill_param:
                kinds.setdefault(kind.prefill_param, kind)
    return list(kinds.values())


class StartDisputeForm(ProgramChoiceMixin, forms.Form):
    """First step: which facility, program year and type (a draft is made from it); hidden
    fields carry an item a link prefilled (WQIP: ``month``, ``member_range``)."""

    facility = forms.ModelChoiceField(label="Facility", queryset=Organisation.objects.none())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = typed_field(self, "facility", forms.ModelChoiceField)
        field.queryset = filing_organisations(user)
        if OrganisationKind.SNF not in filing_kinds(user):
            field.label = "Provider"
        self.set_program_fields(type_label="What do you dispute?", kinds=filing_kinds(user))
        for kind in prefill_kinds():
            self.fields[kind.prefill_param] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=1, max_value=kind.max_key
            )
        self.helper = _helper("Start draft")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self.clean_program_fields(data)
        return data

    def prefilled_keys(self) -> list[tuple[ItemKind, int]]:
        """The chosen program's item kinds whose hidden field holds a key."""
        assert self.chosen_program is not None
        return [
            (kind, self.cleaned_data[kind.prefill_param])
            for kind in self.chosen_program.item_kinds
            if kind.prefill_param and self.cleaned_data.get(kind.prefill_param)
        ]


class PaymentRunChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PaymentRun) -> str:
        return f"{obj.get_kind_display()} run of {timezone.localtime(obj.posted_at):%d %b %Y}"


class LedgerEntryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: LedgerEntry) -> str:
        posted_on = timezone.localtime(obj.posted_at)
        return f"{posted_on:%d %b %Y} {obj.get_kind_display()} {obj.amount} ({obj.memo})"


class CaseWorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class DisputeForm(forms.ModelForm):
    """The filing itself; saved as a draft whether complete or not. The program adds one
    field per kind of item (``DisputeProgram.item_kinds``: WQIP's months and member-days)."""

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
        field_classes = {
            "payment_run": PaymentRunChoiceField,
            "ledger_entry": LedgerEntryChoiceField,
        }

    def __init__(self, data: Any = None, *, user: User, dispute: Dispute, **kwargs: Any) -> None:
        super().__init__(data, instance=dispute, **kwargs)
        year = dispute.program_year
        ledger_entry = typed_field(self, "ledger_entry", forms.ModelChoiceField)
        ledger_entry.queryset = ledger_entries_for(user=user).filter(
            facility=dispute.facility, program=dispute.program, program_year=year
        )
        payment_run = typed_field(self, "payment_run", forms.ModelChoiceField)
        payment_run.queryset = PaymentRun.objects.filter(
            program=dispute.program,
            program_year=year,
            status=PaymentRun.Status.POSTED,
            lines__facility=dispute.facility,
        ).distinct()
        program = get_program(dispute.program)
        chosen = list(dispute.items.all())
        # field name -> the items it offers, by key
        self.item_choices: dict[str, dict[int, ItemChoice]] = {}
        for kind in program.item_kinds:
            choices = program.item_choices(
                user=user,
                facility_id=dispute.facility_id,
                program_year=year,
                kind=kind.kind,
                chosen=chosen,
            )
            self.item_choices[kind.field] = {choice.key: choice for choice in choices}
            self.fields[kind.field] = forms.TypedMultipleChoiceField(
                label=kind.label,
                required=False,
                coerce=int,
                choices=[(choice.key, choice.label) for choice in choices],
                widget=forms.CheckboxSelectMultiple,
                help_text=kind.help_text,
            )
            self.initial.setdefault(
                kind.field,
                [c.key for c in choices if any(c.same_as(item) for item in chosen)],
            )
        self.fields["amount_sought"].widget.attrs["inputmode"] = "decimal"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def filing_fields(self) -> dict[str, Any]:
        """The cleaned filing, without the items."""
        return {k: v for k, v in self.cleaned_data.items() if k not in self.item_choices}

    def chosen_items(self) -> list[ItemChoice]:
        return [
            self.item_choices[field][key]
            for field in self.item_choices
            for key in self.cleaned_data.get(field, [])
        ]


class PaperDisputeForm(ProgramChoiceMixin, forms.ModelForm):
    received_on = forms.DateField(
        label="Date the plan received the paper dispute", widget=DateInput
    )

    class Meta:
        model = Dispute
        fields = [
            "facility",
            "program",
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
        field = typed_field(self, "facility", forms.ModelChoiceField)
        field.queryset = filing_organisations(user)
        if OrganisationKind.SNF not in filing_kinds(user):
            field.label = "Provider"
        self.set_program_fields(type_label="Dispute type", kinds=filing_kinds(user))
        self.helper = _helper("Enter paper dispute")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self.clean_program_fields(data)
        return data


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
    assignee = CaseWorkerChoiceField(label="Assign to", queryset=User.objects.none())
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=250)

    def __init__(self, *args: Any, kind: str = OrganisationKind.SNF, **kwargs: Any) -> None:
        """``kind``: the disputing organisation's, whose plan team the case goes to."""
        super().__init__(*args, **kwargs)
        typed_field(self, "assignee", forms.ModelChoiceField).queryset = case_workers(kind)
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

    def __init__(self, *args: Any, dispute: Dispute, **kwargs: Any) -> None:
        """An adjustment field (in the program's unit) when the dispute's type has one."""
        super().__init__(*args, **kwargs)
        program = get_program(dispute.program)
        self.unit = program.adjustment_unit
        if program.adjusts(dispute.dispute_type):
            self.fields["adjustment_quantity"] = forms.IntegerField(
                label=program.adjustment_label,
                initial=0,
                required=False,
                min_value=-MAX_ADJUSTMENT_QUANTITY,
                max_value=MAX_ADJUSTMENT_QUANTITY,
            )
        self.helper = _helper("Issue determination", name="determine")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("outcome") == Outcome.UPHELD and (
            data.get("amount") or data.get("adjustment_quantity")
        ):
            raise forms.ValidationError(
                f"An upheld action changes nothing: amount and {self.unit} are 0."
            )
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
        typed_field(self, "status", forms.ChoiceField).choices = [
            ("", "All (not drafts)"),
            ("open", "Open"),
        ] + [(v, lbl) for v, lbl in Status.choices if v != Status.DRAFT]
        typed_field(self, "assignee", forms.ChoiceField).choices = [
            ("", "Anyone"),
            ("me", "Me"),
            ("none", "Unassigned"),
        ] + [(str(u.pk), u.full_name or u.email) for u in case_workers()]
        types: dict[str, str] = {}
        for program in dispute_programs():
            for value, label in program.type_choices():
                types.setdefault(value, label)
        typed_field(self, "dispute_type", forms.ChoiceField).choices = [
            ("", "All types"),
            *types.items(),
        ]
        self.helper = _helper("Filter", name="filter", method="get")
        self.helper.form_class = "row row-cols-lg-auto g-3 align-items-end"
        self.helper.disable_csrf = True


class FromInquiryForm(ProgramChoiceMixin, forms.Form):
    """Turning a claims or payment inquiry into a dispute: which program year and type."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # only a SNF's claims or payment inquiry becomes a dispute (from_inquiry.can_convert)
        self.set_program_fields(type_label="What do you dispute?", kinds=[OrganisationKind.SNF])
        self.helper = _helper("Turn into a dispute", name="convert")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self.clean_program_fields(data)
        return data
