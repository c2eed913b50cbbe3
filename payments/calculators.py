"""How a program hands payments the lines to pay.

Payments knows no bed day and no score. A program subclasses :class:`PaymentCalculator` and
registers one instance from its ``AppConfig.ready`` (``register_calculator``). A payment run
(``payments.services``) then asks the run's calculator for the lines: per facility a status, a
gross amount, a due date and the figures the gross came from (``details``, shown as the
calculator's ``line_columns``). Payments adds what every earlier posted run of the same program
and year paid (``previously_paid``), the net, the previous run's gross, the two-person approval,
the ledger entries and the statements.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from payments.models.runs import CALCULATORS, PaymentLine, PaymentRun

if TYPE_CHECKING:
    from portal.models import User


class PaymentRunError(Exception):
    """A run cannot be started, computed or posted; the message says why, for the user."""


@dataclass(frozen=True)
class LineColumn:
    """One figure of a line, as the program computed it (a key of ``PaymentLine.details``)."""

    key: str
    label: str
    kind: str = "text"  # "int", "decimal" (stored as text, exact) or "text"
    places: int = 2
    on_table: bool = True  # shown in the run's table
    on_statement: bool = True  # shown on remittance statements (files have every column)
    total: bool = False  # summed in the run's totals (int columns)
    short_label: str = ""  # the table's header, when shorter than ``label``

    @property
    def heading(self) -> str:
        return self.short_label or self.label

    def value(self, details: dict[str, Any]) -> Any:
        raw = details.get(self.key)
        if raw is None or raw == "":
            return None
        if self.kind == "decimal":
            return Decimal(str(raw))
        if self.kind == "int":
            return int(raw)
        return raw

    def text(self, details: dict[str, Any]) -> str:
        value = self.value(details)
        if value is None:
            return ""
        if self.kind == "decimal":
            return f"{value:.{self.places}f}"
        return str(value)


@dataclass(frozen=True)
class ComputedLine:
    """What a program hands over for one facility of a run."""

    facility_id: int
    status: str
    gross_amount: Decimal
    due_date: datetime.date
    details: dict[str, Any] = field(default_factory=dict)


class PaymentCalculator:
    """The base of every program's calculator; override what the program needs."""

    program: str = ""  # the program's app label, stored on every run
    title: str = ""
    verbose_title: str = ""  # the program's full name, on statements
    formula: str = ""  # how the gross and net are computed, in words, on statements
    kinds: Sequence[tuple[str, str]] = ()  # the program's kinds of run: (value, label)
    line_statuses: Sequence[tuple[str, str]] = ()
    payable_status: str = "payable"
    line_columns: Sequence[LineColumn] = ()

    # --- labels ---------------------------------------------------------------------------
    def kind_label(self, kind: str) -> str:
        return dict(self.kinds).get(kind, kind)

    def status_label(self, status: str) -> str:
        return dict(self.line_statuses).get(status, status)

    kind_name: str = "Run kind"  # what the program calls its kinds of run (WQIP: exhibit)
    note_label: str = "Note"

    def table_columns(self) -> list[LineColumn]:
        return [c for c in self.line_columns if c.on_table]

    def figures(self, line: PaymentLine, *, table_only: bool = False) -> list[dict[str, Any]]:
        details = line.details or {}
        columns = (
            self.table_columns() if table_only else [c for c in self.line_columns if c.on_statement]
        )
        return [
            {
                "key": c.key,
                "label": c.label,
                "value": c.value(details),
                "text": c.text(details),
                "numeric": c.kind in ("int", "decimal"),
            }
            for c in columns
        ]

    # --- computing a run -----------------------------------------------------------------------
    def program_years(self) -> list[int]:
        """The years a run can be started for (the start form's choices)."""
        raise NotImplementedError

    def parameters(self, *, program_year: int, kind: str) -> dict[str, Any]:
        """The inputs a new run of this year and kind uses (stored on the run); raise
        :class:`PaymentRunError` when they are missing (e.g. no exhibit imported)."""
        return {}

    def prepare(self, run: PaymentRun, *, actor: User | None) -> None:
        """Bring derived inputs up to date before the lines are computed (e.g. bed days)."""

    def compute_lines(self, run: PaymentRun) -> list[ComputedLine]:
        raise NotImplementedError

    def inputs_fingerprint(self, run: PaymentRun) -> dict[str, Any]:
        """What else the draft depends on; a change after the draft makes it stale."""
        return {}

    def sources_at_posting(self, run: PaymentRun) -> dict[int, tuple[str, str]]:
        """Facility id -> (source type, source id) of what this run pays for the first time
        (e.g. a dispute's adjustment), written on its ledger entry; called once, at posting,
        inside the posting transaction."""
        return {}

    def memo(self, run: PaymentRun) -> str:
        return f"{self.kind_label(run.kind)} payment run {run.pk}"

    # --- files and statements -----------------------------------------------------------------
    def export_header(self) -> list[str]:
        return (
            ["facility_npi", "program_year", "kind", "status"]
            + [c.key for c in self.line_columns]
            + ["gross_amount", "previously_paid", "net_amount", "due_date"]
        )

    def export_row(self, line: PaymentLine) -> list[str]:
        details = line.details or {}
        return [
            line.facility.npi,
            str(line.run.program_year),
            line.run.kind,
            line.status,
            *[c.text(details) for c in self.line_columns],
            f"{line.gross_amount:.2f}",
            f"{line.previously_paid:.2f}",
            f"{line.net_amount:.2f}",
            line.due_date.isoformat(),
        ]

    def export_numeric_columns(self) -> set[str]:
        return {c.key for c in self.line_columns if c.kind in ("int", "decimal")}

    def run_facts(self, run: PaymentRun) -> list[tuple[str, str]]:
        """What the program adds to a run's page (label, value), e.g. WQIP's exhibit date."""
        return []

    def line_note(self, line: PaymentLine) -> str:
        """One sentence shown with a line on statements and the facility's payment page."""
        return ""

    def schedule_posted_notices(
        self, *, run: PaymentRun, lines: list[PaymentLine], now: datetime.datetime
    ) -> None:
        """Notices about a posted run's lines of provider organisations that are not SNF
        facilities (whose notices the core schedules); inside the posting transaction."""

    def facility_year_panel(self, *, user: User, facility: Any, year: int) -> dict[str, Any] | None:
        """An extra panel on a facility's payment page for one program year:
        ``{"template": ..., "context": {...}}`` (WQIP: the citations that applied), or None."""
        return None


def register_calculator(calculator: PaymentCalculator) -> PaymentCalculator:
    CALCULATORS[calculator.program] = calculator
    return calculator


def get_calculator(program: str) -> PaymentCalculator:
    calculator = CALCULATORS.get(program)
    if not isinstance(calculator, PaymentCalculator):
        raise PaymentRunError(f"no program '{program}' computes payments")
    return calculator


def calculators() -> list[PaymentCalculator]:
    return [c for c in CALCULATORS.values() if isinstance(c, PaymentCalculator)]
