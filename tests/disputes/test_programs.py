"""The registry of dispute programs (disputes.programs): the core refuses a program nobody
registered, and a second program, registered here the way WQIP registers from its AppConfig,
files, works and overturns disputes with its own types, items and money hooks - the core is
program-neutral. Also: nothing in disputes/ imports a program."""

from __future__ import annotations

import ast
import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

import disputes
from disputes.models import Dispute, DisputeItem, Outcome, Status
from disputes.programs import (
    DISPUTE_PROGRAMS,
    Adjustment,
    DisputeProgram,
    ItemChoice,
    ItemKind,
    UnknownProgram,
    get_program,
)
from disputes.services import case_work, determination, filing, money
from payments.models import PaymentRun
from programs.wqip.disputes import WqipDisputeType
from tests.disputes.helpers import YEAR, complete_fields

pytestmark = pytest.mark.django_db

SCORE_YEAR = 2030


class ScoreDisputes(DisputeProgram):
    """A second program: monthly scores, disputed by month; an overturn adds score points
    (kept in memory here, where a real program records its own rows)."""

    program = "score_qip"
    title = "Score QIP"
    dispute_types = (("monthly_score", "Monthly score"),)
    item_kinds = (
        ItemKind(
            kind=DisputeItem.Kind.MONTH,
            field="score_months",
            label="Disputed scores",
            noun="scored months",
            prefill_param="month",
            prefill_type="monthly_score",
            max_key=12,
        ),
    )
    itemised_types = ("monthly_score",)
    adjustable_types = ("monthly_score",)
    adjustment_label = "Score points to add"
    adjustment_unit = "score points"
    adjustment_letter_unit = "score points"
    adjustment_name = "Score adjustment"
    adjustment_column = "Points"

    def __init__(self) -> None:
        self.adjustments: dict[int, Adjustment] = {}
        self.runs: list[PaymentRun] = []

    def year_choices(self) -> list[tuple[int, str]]:
        return [(SCORE_YEAR, "MY1 (2030)")]

    def year_label(self, year: int) -> str:
        return "MY1"

    def item_choices(self, *, user, facility_id, program_year, kind, chosen):  # type: ignore[no-untyped-def]
        return [self.find_item(user=user, kind=kind, key=month) for month in range(1, 13)]

    def find_item(self, *, user, kind, key):  # type: ignore[no-untyped-def]
        if kind != DisputeItem.Kind.MONTH or not 1 <= key <= 12:
            return None
        return ItemChoice(kind=kind, key=key, label=f"Score of month {key}", month=key)

    def record_adjustment(self, *, dispute, quantity, actor, reason):  # type: ignore[no-untyped-def]
        adjustment = Adjustment(
            id=9000 + len(self.adjustments),
            type="score_qip.points",
            dispute_id=dispute.pk,
            facility=dispute.facility,
            program_year=dispute.program_year,
            quantity=quantity,
            created_by=actor,
            is_approved=False,
            is_paid=False,
        )
        self.adjustments[adjustment.id] = adjustment
        return adjustment

    def adjustment_of(self, determination):  # type: ignore[no-untyped-def]
        return self.adjustments.get(determination.adjustment_id)

    def approve_adjustment(self, *, determination, approver):  # type: ignore[no-untyped-def]
        approved = dataclasses.replace(
            self.adjustments[determination.adjustment_id], is_approved=True
        )
        self.adjustments[approved.id] = approved
        return approved

    def pending_adjustments(self) -> list[Adjustment]:
        return [a for a in self.adjustments.values() if not a.is_approved]

    def unpaid_adjustments(self) -> list[Adjustment]:
        return [a for a in self.adjustments.values() if a.is_approved and not a.is_paid]

    def start_supplemental_run(self, *, dispute, actor):  # type: ignore[no-untyped-def]
        run = PaymentRun.objects.create(
            program=self.program,
            program_year=dispute.program_year,
            kind="supplemental",
            status=PaymentRun.Status.DRAFT,
            started_by=actor,
        )
        self.runs.append(run)
        return run


@pytest.fixture
def score_program(monkeypatch):  # type: ignore[no-untyped-def]
    program = ScoreDisputes()
    monkeypatch.setitem(DISPUTE_PROGRAMS, program.program, program)
    return program


def _score_draft(world, program: ScoreDisputes, **fields) -> Dispute:  # type: ignore[no-untyped-def]
    return filing.create_dispute_draft(
        facility=world.facility,
        program=program.program,
        program_year=SCORE_YEAR,
        dispute_type="monthly_score",
        filed_by=world.users["facility_staff"],
        items=[program.find_item(user=world.users["facility_staff"], kind="month", key=5)],
        **complete_fields(**fields),
    )


def _overturned(world, program: ScoreDisputes, points: int = 7) -> Dispute:  # type: ignore[no-untyped-def]
    dispute = _score_draft(world, program)
    filing.submit_dispute(dispute=dispute, actor=world.users["facility_staff"])
    case_work.start_review(dispute=dispute, actor=world.users["ltss_liaison"])
    determination.determine_dispute(
        dispute=dispute,
        actor=world.users["ltss_liaison"],
        outcome=Outcome.OVERTURNED,
        reasoning="The March visits were counted twice.",
        amount=Decimal("120.00"),
        adjustment_quantity=points,
    )
    dispute.refresh_from_db()
    return dispute


def test_given_unregistered_label_when_program_looked_up_then_refused(world):
    # when / then
    with pytest.raises(UnknownProgram):
        get_program("no_such_program")


def test_given_unknown_program_when_filing_then_refused_and_nothing_stored(world):
    # when
    with pytest.raises(UnknownProgram):
        filing.create_dispute_draft(
            facility=world.facility,
            program="no_such_program",
            program_year=YEAR,
            dispute_type="other",
            filed_by=world.users["facility_staff"],
        )
    # then
    assert not Dispute.objects.exists()


def test_given_wqip_type_when_filing_for_second_program_then_refused(world, score_program):
    # when
    with pytest.raises(ValidationError) as refused:
        filing.create_dispute_draft(
            facility=world.facility,
            program=score_program.program,
            program_year=SCORE_YEAR,
            dispute_type=WqipDisputeType.BED_DAY_COUNT,
            filed_by=world.users["facility_staff"],
        )
    # then
    assert "Score QIP has no dispute type 'bed_day_count'" in " ".join(refused.value.messages)
    assert not Dispute.objects.exists()


def test_given_year_the_program_lacks_when_filing_then_refused(world, score_program):
    # when / then
    with pytest.raises(ValidationError):
        filing.create_dispute_draft(
            facility=world.facility,
            program=score_program.program,
            program_year=YEAR,
            dispute_type="monthly_score",
            filed_by=world.users["facility_staff"],
        )


def test_given_second_program_when_filed_then_its_type_year_and_items_kept(world, score_program):
    # when
    dispute = _score_draft(world, score_program)
    dispute = filing.submit_dispute(dispute=dispute, actor=world.users["facility_staff"])
    # then
    assert (dispute.program, dispute.program_year, dispute.status) == (
        "score_qip",
        SCORE_YEAR,
        Status.ACKNOWLEDGED,
    )
    assert (dispute.dispute_type_label, dispute.program_year_label) == ("Monthly score", "MY1")
    assert list(dispute.items.values_list("kind", "month")) == [(DisputeItem.Kind.MONTH, 5)]


def test_given_second_program_draft_without_items_when_submitted_then_its_noun_missing(
    world, score_program
):
    # given
    dispute = filing.create_dispute_draft(
        facility=world.facility,
        program=score_program.program,
        program_year=SCORE_YEAR,
        dispute_type="monthly_score",
        filed_by=world.users["facility_staff"],
        **complete_fields(),
    )
    # when
    missing = filing.missing_contents(dispute)
    # then
    assert missing == ["the disputed scored months"]


def test_given_second_program_dispute_when_overturned_then_its_hook_records_adjustment(
    world, score_program
):
    # when
    dispute = _overturned(world, score_program, points=7)
    # then
    decision = dispute.determination
    adjustment = score_program.adjustments[decision.adjustment_id]
    assert (decision.adjustment_type, decision.adjustment_quantity) == ("score_qip.points", 7)
    assert (adjustment.dispute_id, adjustment.quantity) == (dispute.pk, 7)
    letter = determination.render_letter_html(dispute, decision)
    assert "+7 score points" in letter


def test_given_second_program_adjustment_when_approved_and_run_started_then_its_hooks_called(
    world, score_program
):
    # given
    dispute = _overturned(world, score_program)
    approver, analyst = world.users["finance_approver"], world.users["finance_analyst"]
    # when
    money.approve_dispute_adjustment(determination=dispute.determination, approver=approver)
    run = money.start_supplemental_run(dispute=dispute, actor=analyst)
    # then
    assert score_program.adjustments[dispute.determination.adjustment_id].is_approved
    assert score_program.runs == [run]
    events = dispute.events.filter(action__in=["adjustment_approved", "supplemental_run_started"])
    assert list(events.values_list("action", "reason")) == [
        ("adjustment_approved", "+7 score points approved"),
        ("supplemental_run_started", f"Payment run {run.pk}"),
    ]


def test_given_second_program_when_non_adjustable_type_overturned_with_points_then_refused(
    world, score_program
):
    # given
    score_program.dispute_types = (*ScoreDisputes.dispute_types, ("visit_count", "Visit count"))
    dispute = filing.create_dispute_draft(
        facility=world.facility,
        program=score_program.program,
        program_year=SCORE_YEAR,
        dispute_type="visit_count",
        filed_by=world.users["facility_staff"],
        **complete_fields(),
    )
    filing.submit_dispute(dispute=dispute, actor=world.users["facility_staff"])
    case_work.start_review(dispute=dispute, actor=world.users["ltss_liaison"])
    # when
    with pytest.raises(ValidationError) as refused:
        determination.determine_dispute(
            dispute=dispute,
            actor=world.users["ltss_liaison"],
            outcome=Outcome.OVERTURNED,
            reasoning="Counted wrong.",
            amount=Decimal("0"),
            adjustment_quantity=3,
        )
    # then
    assert refused.value.messages == [
        "Score points can only be adjusted on a monthly score dispute."
    ]
    assert score_program.adjustments == {}


def test_given_two_programs_when_facility_starts_second_programs_dispute_then_draft_of_it(
    world, client_as, score_program
):
    # given
    client = client_as("facility_staff")
    form = client.get(reverse("disputes:dispute_start")).context["form"]
    # when
    response = client.post(
        reverse("disputes:dispute_start"),
        {
            "facility": world.facility.pk,
            "program": "score_qip",
            "program_year": SCORE_YEAR,
            "dispute_type": "monthly_score",
        },
    )
    # then
    assert [value for value, _ in form.fields["program"].choices] == ["", "wqip", "score_qip"]
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert (dispute.program, dispute.dispute_type) == ("score_qip", "monthly_score")


def test_given_two_programs_when_starting_with_other_programs_type_then_400_and_no_draft(
    world, client_as, score_program
):
    # when
    response = client_as("facility_staff").post(
        reverse("disputes:dispute_start"),
        {
            "facility": world.facility.pk,
            "program": "score_qip",
            "program_year": SCORE_YEAR,
            "dispute_type": WqipDisputeType.BED_DAY_COUNT,
        },
    )
    # then
    assert response.status_code == 400
    assert "dispute_type" in response.context["form"].errors
    assert not Dispute.objects.exists()


def test_given_second_program_draft_when_edited_then_its_item_field_replaces_items(
    world, client_as, score_program
):
    # given
    dispute = _score_draft(world, score_program)
    client = client_as("facility_staff")
    page = client.get(reverse("disputes:dispute_edit", args=[dispute.pk]))
    # when
    client.post(
        reverse("disputes:dispute_edit", args=[dispute.pk]),
        {
            **{k: v for k, v in complete_fields().items() if v is not None},
            "score_months": [7, 8],
            "save": "1",
        },
    )
    # then
    assert page.context["form"].initial["score_months"] == [5]
    assert "Score of month 5" in page.content.decode()
    assert list(dispute.items.values_list("month", flat=True)) == [7, 8]


def test_given_second_program_adjustment_when_approver_uses_outcomes_page_then_approved(
    world, client_as, score_program
):
    # given
    dispute = _overturned(world, score_program)
    client = client_as("finance_approver")
    page = client.get(reverse("disputes:money_outcomes")).content.decode()
    # when
    response = client.post(
        reverse("disputes:adjustment_approve", args=[dispute.determination.adjustment_id]),
        {"program": "score_qip"},
    )
    # then
    assert "Score adjustments awaiting approval" in page
    assert dispute.reference in page
    assert response.status_code == 302
    assert score_program.adjustments[dispute.determination.adjustment_id].is_approved


def test_given_disputes_package_when_imports_read_then_no_program_imported():
    # given
    root = Path(disputes.__file__).parent
    # when
    imported = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                imported |= {(path.name, alias.name) for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add((path.name, node.module))
    # then
    assert [(f, m) for f, m in imported if m.split(".")[0] == "programs"] == []


def test_given_disputes_migrations_when_loaded_then_they_depend_on_no_program():
    # given
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    # when
    apps = {
        parent[0]
        for node in graph.nodes
        if node[0] == "disputes"
        for parent in graph.node_map[node].parents
    }
    # then
    # "inquiries" is the core's inquiries app (portal/inquiries): a dispute may come from one
    assert apps <= {"disputes", "payments", "portal", "inquiries"}
