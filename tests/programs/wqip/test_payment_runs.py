"""Payment runs (contract §4): drafts, the two-person rule, posting once, stale inputs,
recoupment, previously paid."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from payments.models import (
    LedgerEntry,
    PaymentRun,
)
from payments.services import (
    AlreadyPosted,
    NotAllowed,
    PaymentRunError,
    StaleRunError,
    TwoPersonRuleError,
    approve_payment_run,
)
from portal.audit.services import record_revision
from portal.models import (
    AuditEvent,
    FacilityType,
    Role,
)
from programs.wqip.models import (
    BedDayComputation,
    OptIn,
    PerDiem,
)
from programs.wqip.services.adjustments import (
    approve_bed_day_adjustment,
    record_bed_day_adjustment,
)
from programs.wqip.services.payments import (
    request_payment_run,
    run_payments,
    start_payment_run,
)
from tests.factories import FacilityFactory, OptInFactory, UserFactory
from tests.programs.wqip.claims_helpers import write_claims
from tests.programs.wqip.factories import (
    CitationFactory,
    PerDiemExhibitFactory,
    bed_days,
)

pytestmark = pytest.mark.django_db


def start(analyst, kind="interim"):  # type: ignore[no-untyped-def]
    return start_payment_run(program_year=2024, exhibit_kind=kind, started_by=analyst)


def test_given_payable_facility_when_run_started_then_draft_without_ledger_entries(
    payable_facility, analyst
):
    # when
    run = start(analyst)
    # then
    assert run.status == PaymentRun.Status.DRAFT
    line = run.lines.get()
    assert (
        line.status,
        line.details["qualifying_bed_days"],
        line.gross_amount,
        line.net_amount,
    ) == (
        "payable",
        100,
        Decimal("2000.00"),
        Decimal("2000.00"),
    )
    assert line.due_date == datetime.date(2025, 6, 26)
    assert not LedgerEntry.objects.exists()


def test_given_facilities_in_every_status_when_run_started_then_status_per_contract(analyst):
    # given
    exhibit = PerDiemExhibitFactory.create(kind="interim")
    ineligible = FacilityFactory.create(facility_type=FacilityType.NF_DISTINCT_PART)
    all_stp = FacilityFactory.create(licensed_beds=10, stp_beds=10)
    rejected = FacilityFactory.create()
    OptInFactory.create(facility=ineligible)
    OptInFactory.create(facility=rejected, status=OptIn.Status.REJECTED)
    for facility in (ineligible, all_stp, rejected):
        bed_days(facility, 10)
        PerDiem.objects.create(exhibit=exhibit, facility=facility, per_diem=Decimal("10"))
    # when
    run = start(analyst)
    # then
    statuses = dict(run.lines.values_list("facility", "status"))
    assert statuses == {
        ineligible.pk: "facility_ineligible",
        all_stp.pk: "facility_ineligible",
        rejected.pk: "not_opted_in",
    }
    assert {line.gross_amount for line in run.lines.all()} == {Decimal("0.00")}


def test_given_facility_without_per_diem_when_run_started_then_no_line(payable_facility, analyst):
    # given
    other = FacilityFactory.create()
    OptInFactory.create(facility=other)
    bed_days(other, 50)
    # when
    run = start(analyst)
    # then
    assert list(run.lines.values_list("facility", flat=True)) == [payable_facility.pk]


def test_given_class_a_citation_when_run_started_then_factor_reduces_gross(
    payable_facility, analyst
):
    # given
    CitationFactory.create(facility=payable_facility, class_initial="A Trebled")
    # when
    line = start(analyst).lines.get()
    # then
    assert (line.details["citation_class"], Decimal(line.details["factor"]), line.gross_amount) == (
        "A",
        Decimal("0.60"),
        Decimal("1200.00"),
    )


def test_given_per_citation_mode_when_two_class_a_then_factor_twenty_percent(
    payable_facility, analyst, settings
):
    # given
    settings.WQIP_CLASS_A_MODE = "per_citation"
    CitationFactory.create(facility=payable_facility)
    CitationFactory.create(facility=payable_facility)
    # when
    line = start(analyst).lines.get()
    # then
    assert (Decimal(line.details["factor"]), line.gross_amount) == (
        Decimal("0.20"),
        Decimal("400.00"),
    )


def test_given_issue_date_setting_when_citation_violated_year_before_then_it_counts(
    payable_facility, analyst, settings
):
    # given
    settings.WQIP_CITATION_DATE_FIELD = "PENALTY_ISSUE_DATE"
    CitationFactory.create(
        facility=payable_facility,
        class_initial="AA",
        violation_from_date=datetime.date(2023, 12, 28),
        penalty_issue_date=datetime.date(2024, 2, 14),
    )
    # when
    line = start(analyst).lines.get()
    # then
    assert (line.details["citation_class"], line.gross_amount) == ("AA", Decimal("0.00"))


def test_given_draft_when_starter_approves_then_two_person_rule_refuses(payable_facility, analyst):
    # given
    analyst.role = Role.FINANCE_APPROVER
    analyst.save()
    run = start(analyst)
    # when
    with pytest.raises(TwoPersonRuleError):
        approve_payment_run(run=run, approver=analyst)
    # then
    assert not LedgerEntry.objects.exists()
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.DRAFT


def test_given_draft_when_analyst_approves_then_refused(payable_facility, analyst):
    # given
    run = start(analyst)
    other_analyst = UserFactory.create(role=Role.FINANCE_ANALYST)
    # when
    with pytest.raises(NotAllowed):
        approve_payment_run(run=run, approver=other_analyst)
    # then
    assert not LedgerEntry.objects.exists()


def test_given_facility_user_when_starting_run_then_refused(payable_facility):
    with pytest.raises(NotAllowed):
        start(UserFactory.create(role=Role.FACILITY_ADMIN))


def test_given_draft_when_second_person_approves_then_entries_posted(
    payable_facility, analyst, approver
):
    # given
    run = start(analyst)
    # when
    approve_payment_run(run=run, approver=approver)
    # then
    entry = LedgerEntry.objects.get()
    assert (entry.facility_id, entry.kind, entry.amount, entry.run, entry.posted_by) == (
        payable_facility.pk,
        "payment",
        Decimal("2000.00"),
        run,
        approver,
    )
    run.refresh_from_db()
    assert (run.status, run.approved_by) == (PaymentRun.Status.POSTED, approver)
    assert AuditEvent.objects.filter(action="payment_run.posted", actor=approver).exists()


def test_given_posted_run_when_approved_again_then_refused_and_posted_once(
    payable_facility, analyst, approver, second_approver
):
    # given
    run = start(analyst)
    approve_payment_run(run=run, approver=approver)
    # when
    with pytest.raises(AlreadyPosted):
        approve_payment_run(run=run, approver=second_approver)
    # then
    assert LedgerEntry.objects.count() == 1


@pytest.mark.parametrize("kind", ["claims", "citations", "per_diems", "opt_ins", "adjustments"])
def test_given_draft_when_inputs_change_then_approval_blocked(
    payable_facility, analyst, approver, kind
):
    # given
    run = start(analyst)
    record_revision(kind=kind, program_year=2024)
    # when
    with pytest.raises(StaleRunError):
        approve_payment_run(run=run, approver=approver)
    # then
    assert not LedgerEntry.objects.exists()


def test_given_revision_of_other_year_when_approving_then_not_stale(
    payable_facility, analyst, approver
):
    # given
    run = start(analyst)
    record_revision(kind="citations", program_year=2025)
    # when
    approve_payment_run(run=run, approver=approver)
    # then
    assert LedgerEntry.objects.count() == 1


def test_given_two_drafts_when_one_posted_then_other_is_stale(payable_facility, analyst, approver):
    # given
    PerDiem.objects.create(
        exhibit=PerDiemExhibitFactory.create(kind="final", received_on=datetime.date(2025, 12, 29)),
        facility=payable_facility,
        per_diem=Decimal("21"),
    )
    interim, final = start(analyst, "interim"), start(analyst, "final")
    approve_payment_run(run=interim, approver=approver)
    # when
    with pytest.raises(StaleRunError):
        approve_payment_run(run=final, approver=approver)
    # then
    assert LedgerEntry.objects.count() == 1


def test_given_newer_draft_when_older_draft_approved_then_refused_as_superseded(
    payable_facility, analyst, approver
):
    # given
    old = start(analyst)
    start(analyst)
    # when
    with pytest.raises(PaymentRunError, match="superseded"):
        approve_payment_run(run=old, approver=approver)
    # then
    assert not LedgerEntry.objects.exists()


def test_given_interim_paid_when_class_aa_found_then_final_recoups(payable_facility, approver):
    # given
    run_payments(program_year=2024, exhibit_kind="interim")
    PerDiem.objects.create(
        exhibit=PerDiemExhibitFactory.create(kind="final", received_on=datetime.date(2025, 12, 29)),
        facility=payable_facility,
        per_diem=Decimal("21"),
    )
    CitationFactory.create(facility=payable_facility, class_initial="AA", class_final="AA")
    # when
    summary = run_payments(program_year=2024, exhibit_kind="final")
    # then
    line = summary.run.lines.get()
    assert (line.gross_amount, line.previously_paid, line.net_amount) == (
        Decimal("0.00"),
        Decimal("2000.00"),
        Decimal("-2000.00"),
    )
    entry = LedgerEntry.objects.get(run=summary.run)
    assert (entry.kind, entry.amount) == ("recoupment", Decimal("-2000.00"))


def test_given_posted_run_when_same_exhibit_rerun_unchanged_then_net_zero_and_no_entry(
    payable_facility,
):
    # given
    run_payments(program_year=2024, exhibit_kind="interim")
    # when
    summary = run_payments(program_year=2024, exhibit_kind="interim")
    # then
    assert summary.entries == 0
    assert summary.run.lines.get().net_amount == Decimal("0.00")
    assert summary.run.lines.get().previously_paid == Decimal("2000.00")
    assert LedgerEntry.objects.count() == 1


def test_given_unposted_draft_when_next_run_made_then_draft_counts_for_nothing(
    payable_facility, analyst
):
    # given
    start(analyst)
    # when
    summary = run_payments(program_year=2024, exhibit_kind="interim")
    # then
    assert summary.run.lines.get().previously_paid == Decimal("0.00")


def test_given_approved_adjustment_when_run_started_then_days_added(
    payable_facility, analyst, approver
):
    # given
    adjustment = record_bed_day_adjustment(
        facility=payable_facility,
        program_year=2024,
        days=5,
        reason="PDR overturn",
        created_by=analyst,
        source_type="disputes.dispute",
        source_id="17",
    )
    record_bed_day_adjustment(
        facility=payable_facility,
        program_year=2024,
        days=50,
        reason="not approved",
        created_by=analyst,
    )
    approve_bed_day_adjustment(adjustment=adjustment, approver=approver)
    # when
    line = start(analyst).lines.get()
    # then
    assert (
        line.details["computed_bed_days"],
        line.details["adjustment_days"],
        line.details["qualifying_bed_days"],
    ) == (
        100,
        5,
        105,
    )
    assert line.gross_amount == Decimal("2100.00")


def test_given_claims_imported_after_bed_days_when_run_started_then_bed_days_recomputed(
    payable_facility, analyst, tmp_path
):
    # given: 100 stored days, then a claim with 10 qualifying days (1-10 Mar) is imported
    path = write_claims(
        tmp_path / "claims.csv",
        [{"facility_npi": payable_facility.npi, "through_date": "2024-03-10"}],
    )
    call_command("import_claims", str(path), stdout=io.StringIO())
    # when
    line = start(analyst).lines.get()
    # then
    assert line.details["computed_bed_days"] == 10
    assert (
        BedDayComputation.objects.filter(
            program_year=2024, status=BedDayComputation.Status.FINISHED
        ).count()
        == 2
    )


def test_given_latest_claim_received_late_when_run_started_then_due_date_from_claim(
    payable_facility, analyst
):
    # given
    bed_days(payable_facility, 100, latest_received_on=datetime.date(2025, 6, 20))
    # when
    line = start(analyst).lines.get()
    # then
    assert line.due_date == datetime.date(2025, 7, 20)


def test_given_no_exhibit_when_run_started_then_clear_error(analyst):
    with pytest.raises(PaymentRunError, match="no final per-diem exhibit for 2024"):
        start(analyst, "final")


def test_given_web_request_when_committed_then_task_computes_draft(
    payable_facility, analyst, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        run = request_payment_run(program_year=2024, exhibit_kind="interim", started_by=analyst)
    # then
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.DRAFT
    assert run.lines.count() == 1
    assert not LedgerEntry.objects.exists()


def test_given_previous_run_when_rerun_after_change_then_difference_shown(
    payable_facility, analyst
):
    # given
    start(analyst)
    bed_days(payable_facility, 110)
    # when
    line = start(analyst).lines.get()
    # then
    assert line.previous_gross == Decimal("2000.00")
    assert line.difference == Decimal("200.00")


def test_given_bed_days_computed_after_claims_when_checked_then_not_stale():
    from programs.wqip.models import BedDayComputation
    from programs.wqip.services.payments import bed_days_are_stale

    # given
    record_revision(kind="claims", program_year=2024)
    BedDayComputation.objects.create(program_year=2024, status="finished", revision_id=0)
    # when
    stale = bed_days_are_stale(program_year=2024)
    # then
    assert stale is False


def test_given_claims_imported_and_no_bed_days_when_checked_then_stale():
    from programs.wqip.services.payments import bed_days_are_stale

    # given
    record_revision(kind="claims", program_year=None)
    # when
    stale = bed_days_are_stale(program_year=2024)
    # then
    assert stale is True


def test_given_two_facilities_share_a_facid_when_run_started_then_citation_counts_for_both(
    analyst,
):
    # given
    exhibit = PerDiemExhibitFactory.create(kind="interim")
    first = FacilityFactory.create(cdph_facid="070000001")
    second = FacilityFactory.create(cdph_facid="070000001")
    for facility in (first, second):
        OptInFactory.create(facility=facility)
        bed_days(facility, 10)
        PerDiem.objects.create(exhibit=exhibit, facility=facility, per_diem=Decimal("10"))
    CitationFactory.create(facility=first, facid="70000001", class_initial="AA")
    # when
    run = start(analyst)
    # then
    assert set(run.lines.values_list("details__citation_class", flat=True)) == {"AA"}
