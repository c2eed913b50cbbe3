"""What disputes need from a program, and the programs that take disputes.

Disputes know no bed day and no score. A program subclasses :class:`DisputeProgram` and
registers one instance from its ``AppConfig.ready`` (``register_dispute_program``), as it
registers its payment calculator (``payments.calculators``). A dispute stores the program's
label (``Dispute.program``) and a program year (a plain integer); everything the filing, the
case work and the money outcome need to know about the program comes through its
``DisputeProgram``:

* what can be disputed: the program years (``year_choices``), the dispute types (the
  program's own, then :data:`disputes.models.DisputeType`'s common ones), the kinds of items
  (``item_kinds``: months, member-days...) and the items a facility may choose
  (``item_choices``, ``find_item``);
* the money outcome of an overturn: an adjustment the program records
  (``record_adjustment``), finance approves (``approve_adjustment``) and a supplemental
  payment run pays (``start_supplemental_run``); the run is approved through ``payments``.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from disputes.models import DISPUTE_PROGRAMS, Determination, Dispute, DisputeItem, DisputeType

if TYPE_CHECKING:
    from payments.models import PaymentRun
    from portal.models import Organisation, User

# how rows of other packages (a program's adjustment, a ledger entry) point back at a dispute
SOURCE_TYPE = "disputes.dispute"


class UnknownProgram(ValidationError):
    """No registered program has this label."""


class AdjustmentNotFound(LookupError):
    """The program has no adjustment recorded for this determination."""


@dataclass(frozen=True)
class ItemKind:
    """A kind of disputed item a program offers (a ``DisputeItem.Kind`` value).

    Items are chosen by a key, a whole number from 1 (a month, or the id of a row of the
    program's result); the filing form offers them in the field ``field``.
    """

    kind: str
    field: str  # the filing form's field ("months")
    label: str  # its label ("Disputed months")
    noun: str  # in "Still missing: the disputed months or member-days"
    help_text: str = ""
    # the start page's query parameter and hidden field ("month"), e.g. from a report's
    # "Dispute these days" link, and the dispute type such an item starts
    prefill_param: str = ""
    prefill_type: str = ""
    max_key: int | None = None


@dataclass(frozen=True)
class ItemChoice:
    """One item a facility may dispute, as the program lists it; copied into a DisputeItem
    (the program's result may be replaced later)."""

    kind: str
    key: int
    label: str
    month: int | None = None
    member_id: str = ""
    first_day: datetime.date | None = None
    last_day: datetime.date | None = None
    days: int | None = None
    outcome: str = ""
    description: str = ""
    # set when the item belongs to one facility and program year (checked on filing)
    facility_id: int | None = None
    program_year: int | None = None

    def item_fields(self) -> dict[str, Any]:
        """The DisputeItem fields of this item."""
        return {
            "kind": self.kind,
            "month": self.month,
            "member_id": self.member_id,
            "first_day": self.first_day,
            "last_day": self.last_day,
            "days": self.days,
            "outcome": self.outcome,
            "description": self.description,
        }

    def same_as(self, item: DisputeItem) -> bool:
        """Whether a stored item is this one (the filing form ticks it)."""
        return (self.kind, self.month, self.member_id, self.first_day, self.last_day) == (
            item.kind,
            item.month,
            item.member_id,
            item.first_day,
            item.last_day,
        )


@dataclass(frozen=True)
class Adjustment:
    """The money outcome of an overturn, as the program recorded it."""

    id: int
    type: str  # what the program calls it, e.g. "wqip.beddayadjustment"
    dispute_id: int | None
    facility: Organisation
    program_year: int
    quantity: int  # signed, in the program's unit (``DisputeProgram.adjustment_unit``)
    created_by: User | None
    is_approved: bool
    is_paid: bool  # counted by a posted payment run


class DisputeProgram:
    """The base of every program's dispute hooks; override what the program needs."""

    program: str = ""  # the program's label (its app label), stored on every dispute
    title: str = ""
    # the kinds of provider organisation that file this program's disputes
    # (``portal.registry.models.OrganisationKind``); the start form offers a user the
    # programs of the kinds they see, and their organisations of the chosen program's kinds
    organisation_kinds: Collection[str] = ("snf",)
    dispute_types: Sequence[tuple[str, str]] = ()  # the program's own (value, label)
    item_kinds: Sequence[ItemKind] = ()
    itemised_types: Collection[str] = ()  # types that need at least one disputed item

    # --- money outcome -------------------------------------------------------------------------
    adjustable_types: Collection[str] = ()  # types whose overturn records an adjustment
    adjustment_label: str = "Quantity to add (negative to remove)"  # the determination form's
    adjustment_unit: str = "units"  # "bed days": the dispute page, events, messages
    adjustment_letter_unit: str = "units"  # "qualifying bed days": the determination letter
    adjustment_name: str = "Adjustment"  # "Bed-day adjustment": the finance page, messages
    adjustment_column: str = "Quantity"  # its column ("Days")
    supplemental_run_text: str = (
        "A supplemental run posts the difference; it is approved by a finance approver other "
        "than the person who started it."
    )

    # --- what can be disputed ------------------------------------------------------------------
    def type_choices(self) -> list[tuple[str, str]]:
        return [*self.dispute_types, *DisputeType.choices]

    def type_label(self, dispute_type: str) -> str:
        return dict(self.type_choices()).get(dispute_type, dispute_type)

    def year_choices(self) -> list[tuple[int, str]]:
        """The years a dispute can be filed for, newest first: (year, label)."""
        raise NotImplementedError

    def year_label(self, year: int) -> str:
        """The short name of a year on the dispute pages (WQIP: "PY3")."""
        return dict(self.year_choices()).get(year, str(year))

    def item_kind(self, kind: str) -> ItemKind | None:
        return next((k for k in self.item_kinds if k.kind == kind), None)

    def item_choices(
        self,
        *,
        user: User,
        facility_id: int,
        program_year: int,
        kind: str,
        chosen: Sequence[DisputeItem],
    ) -> list[ItemChoice]:
        """The items of ``kind`` the user may dispute for the facility and year, ``chosen``
        (the dispute's current items) among them."""
        return []

    def find_item(self, *, user: User, kind: str, key: int) -> ItemChoice | None:
        """One item by its key (a prefill link), or None when the user may not see it."""
        return None

    def prefill_sentence(self, item: ItemChoice) -> str:
        """What the start page says about an item a link brought (empty: nothing)."""
        return ""

    def filing_panel(self, *, user: User, dispute: Dispute) -> dict[str, Any] | None:
        """An extra panel in the filing form: ``{"template": ..., "context": {...}}`` (WQIP:
        the bed days per month of the plan's count), or None."""
        return None

    # --- money outcome -------------------------------------------------------------------------
    def adjusts(self, dispute_type: str) -> bool:
        return dispute_type in self.adjustable_types

    def record_adjustment(
        self, *, dispute: Dispute, quantity: int, actor: User, reason: str
    ) -> Adjustment:
        """Record the adjustment an overturn makes (awaiting finance approval); inside the
        determination's transaction. Its source is the dispute (``SOURCE_TYPE``)."""
        raise NotImplementedError

    def adjustment_of(self, determination: Determination) -> Adjustment | None:
        raise NotImplementedError

    def approve_adjustment(self, *, determination: Determination, approver: User) -> Adjustment:
        """Raise :class:`AdjustmentNotFound` when the determination has none."""
        raise NotImplementedError

    def pending_adjustments(self) -> list[Adjustment]:
        """Adjustments recorded by determinations, awaiting finance approval."""
        return []

    def unpaid_adjustments(self) -> list[Adjustment]:
        """Approved adjustments of determinations no posted payment run has counted yet."""
        return []

    def start_supplemental_run(self, *, dispute: Dispute, actor: User) -> PaymentRun:
        """Start the payment run that pays the approved adjustments of the dispute's year;
        raise ``payments.calculators.PaymentRunError`` when it cannot start."""
        raise NotImplementedError


def register_dispute_program(program: DisputeProgram) -> DisputeProgram:
    if not program.program:
        raise ValueError(f"{type(program).__name__} has no program label")
    DISPUTE_PROGRAMS[program.program] = program
    return program


def get_program(label: str) -> DisputeProgram:
    program = find_program(label)
    if program is not None:
        return program
    raise UnknownProgram(f"No program '{label}' takes disputes.", code="unknown") from None


def find_program(label: str) -> DisputeProgram | None:
    program = DISPUTE_PROGRAMS.get(label)
    return program if isinstance(program, DisputeProgram) else None


def dispute_programs() -> list[DisputeProgram]:
    return [p for p in DISPUTE_PROGRAMS.values() if isinstance(p, DisputeProgram)]


def programs_for_kinds(kinds: Collection[str]) -> list[DisputeProgram]:
    """The programs whose disputes organisations of these kinds file."""
    return [p for p in dispute_programs() if set(p.organisation_kinds) & set(kinds)]
