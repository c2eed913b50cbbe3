"""Dispute services: filing, acknowledgement, return and amendment (clock restart), closing
unamended cases, escalation, determination and its money outcome."""

from __future__ import annotations

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from disputes import clocks
from disputes.models import Dispute, DisputeEvent, DisputeType, Note, Outcome, Status
from disputes.selectors import dispute_ledger_entries
from disputes.services import case_work, determination, filing, money, notes
from disputes.services.common import InvalidTransition
from payments.models import (
    LedgerEntry,
    PaymentRun,
)
from payments.services import TwoPersonRuleError
from portal.calendar.dates import PACIFIC
from portal.models import ScheduledNotice
from programs.wqip.disputes import ADJUSTMENT_TYPE, WqipDisputeType
from programs.wqip.models import BedDayAdjustment
from tests.disputes.helpers import (
    YEAR,
    bed_day_adjustment,
    complete_fields,
    determined,
    draft_dispute,
    paid_facility,
    submitted_dispute,
    under_review,
)

pytestmark = pytest.mark.django_db


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=PACIFIC)


def _notices(dispute: Dispute, kind: str, state: str = ScheduledNotice.State.PENDING):
    return ScheduledNotice.objects.filter(
        subject_type=ContentType.objects.get_for_model(Dispute),
        subject_id=dispute.pk,
        kind=kind,
        state=state,
    )


def test_given_complete_draft_when_submitted_then_acknowledged_at_once_and_recorded(world):
    # given
    staff = world.users["facility_staff"]
    dispute = draft_dispute(facility=world.facility, filer=staff)
    # when
    dispute = filing.submit_dispute(dispute=dispute, actor=staff)
    # then
    assert dispute.status == Status.ACKNOWLEDGED
    assert dispute.acknowledged_at == dispute.received_at
    actions = list(dispute.events.values_list("action", flat=True))
    assert actions == ["draft_created", "submitted", "acknowledged"]


def test_given_submission_on_thanksgiving_wednesday_when_submitted_then_clocks_set(world):
    # given
    staff = world.users["facility_staff"]
    dispute = draft_dispute(
        facility=world.facility, filer=staff, plan_action_on=datetime.date(2025, 10, 1)
    )
    # when
    with mock.patch("django.utils.timezone.now", return_value=_at(datetime.date(2025, 11, 26))):
        dispute = filing.submit_dispute(dispute=dispute, actor=staff)
    # then
    assert dispute.received_on == datetime.date(2025, 11, 26)
    assert dispute.ack_due == datetime.date(2025, 12, 2)
    assert dispute.decision_due == datetime.date(2026, 2, 4)
    assert dispute.filing_deadline == datetime.date(2026, 10, 1)


def test_given_submission_when_submitted_then_primary_liaison_assigned(world):
    # given
    staff = world.users["facility_staff"]
    # when
    dispute = submitted_dispute(facility=world.facility, filer=staff)
    # then
    assert dispute.assignee == world.users["ltss_liaison"]


def test_given_submission_when_submitted_then_decision_reminders_and_overdue_scheduled(world):
    # given
    staff = world.users["facility_staff"]
    # when
    dispute = submitted_dispute(facility=world.facility, filer=staff)
    # then
    assert dispute.received_on is not None
    assert dispute.decision_due is not None
    due = _notices(dispute, "dispute_decision_due").order_by("due_at")
    assert [timezone.localdate(n.due_at) for n in due] == [
        r.on for r in clocks.decision_reminders(received_on=dispute.received_on)
    ]
    assert [n.data["notify_program_admin"] for n in due] == [False, True]
    overdue = _notices(dispute, "dispute_overdue").get()
    assert timezone.localdate(overdue.due_at) == dispute.decision_due + datetime.timedelta(days=1)


def test_given_incomplete_draft_when_submitted_then_refused_naming_what_is_missing(world):
    # given
    staff = world.users["facility_staff"]
    dispute = filing.create_dispute_draft(
        facility=world.facility,
        program="wqip",
        program_year=YEAR,
        dispute_type=WqipDisputeType.BED_DAY_COUNT,
        filed_by=staff,
    )
    # when
    with pytest.raises(ValidationError) as refused:
        filing.submit_dispute(dispute=dispute, actor=staff)
    # then
    text = " ".join(refused.value.messages)
    assert "disputed months or member-days" in text
    assert "amount you believe is owed" in text
    dispute.refresh_from_db()
    assert dispute.status == Status.DRAFT


def test_given_plan_action_366_days_ago_when_submitted_then_refused_with_date(world):
    # given
    staff = world.users["facility_staff"]
    action_on = timezone.localdate() - datetime.timedelta(days=366)
    dispute = draft_dispute(facility=world.facility, filer=staff, plan_action_on=action_on)
    # when
    with pytest.raises(clocks.FilingTooLate) as refused:
        filing.submit_dispute(dispute=dispute, actor=staff)
    # then
    last_day = action_on + datetime.timedelta(days=365)
    assert f"last day to file was {last_day:%-d %B %Y}" in str(refused.value)
    dispute.refresh_from_db()
    assert dispute.status == Status.DRAFT


def test_given_other_facility_user_when_filing_then_refused(world):
    # given
    other = world.users["other_facility_staff"]
    # when / then
    with pytest.raises(PermissionDenied):
        draft_dispute(facility=world.facility, filer=other)


def test_given_paper_dispute_when_entered_then_15_working_day_ack_clock_from_receipt(world):
    # given
    liaison = world.users["ltss_liaison"]
    received_on = datetime.date(2025, 11, 26)
    # when
    dispute = filing.enter_paper_dispute(
        facility=world.facility,
        program="wqip",
        program_year=YEAR,
        dispute_type=DisputeType.PAYMENT_TIMING,
        received_on=received_on,
        actor=liaison,
        **complete_fields(plan_action_on=datetime.date(2025, 6, 1)),
    )
    # then
    assert dispute.status == Status.SUBMITTED
    assert dispute.ack_due == datetime.date(2025, 12, 19)
    assert dispute.decision_due == datetime.date(2026, 2, 4)
    assert _notices(dispute, "dispute_ack_due").count() == 1
    assert _notices(dispute, "dispute_overdue").count() == 2  # ack and decision clocks


def test_given_paper_dispute_when_acknowledged_then_ack_notices_cancelled_decision_kept(world):
    # given
    liaison = world.users["ltss_liaison"]
    dispute = filing.enter_paper_dispute(
        facility=world.facility,
        program="wqip",
        program_year=YEAR,
        dispute_type=DisputeType.OTHER,
        received_on=timezone.localdate(),
        actor=liaison,
        **complete_fields(),
    )
    # when
    case_work.acknowledge_dispute(dispute=dispute, actor=liaison)
    # then
    assert _notices(dispute, "dispute_ack_due").count() == 0
    assert list(_notices(dispute, "dispute_overdue").values_list("data__clock", flat=True)) == [
        "decision"
    ]


def test_given_acknowledged_dispute_when_returned_then_30_day_window_and_reminders(world):
    # given
    dispute = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    liaison = world.users["ltss_liaison"]
    # when
    with mock.patch("django.utils.timezone.now", return_value=_at(datetime.date(2025, 12, 19))):
        dispute = case_work.return_for_information(
            dispute=dispute, actor=liaison, missing="Attach the remittance advice."
        )
    # then
    assert dispute.status == Status.RETURNED
    assert dispute.amend_due == datetime.date(2026, 1, 18)
    reminders = _notices(dispute, "amendment_window_closing").order_by("due_at")
    assert [timezone.localdate(n.due_at) for n in reminders] == [
        datetime.date(2026, 1, 11),
        datetime.date(2026, 1, 16),
    ]
    assert _notices(dispute, "dispute_decision_due").count() == 0
    assert _notices(dispute, "dispute_overdue").count() == 0


def test_given_returned_dispute_when_amended_then_45_day_clock_restarts_from_amendment(world):
    # given: received Wed 26 Nov 2025, returned 1 Dec, amended Mon 15 Dec 2025
    staff = world.users["facility_staff"]
    liaison = world.users["ltss_liaison"]
    dispute = draft_dispute(
        facility=world.facility, filer=staff, plan_action_on=datetime.date(2025, 10, 1)
    )
    with mock.patch("django.utils.timezone.now", return_value=_at(datetime.date(2025, 11, 26))):
        dispute = filing.submit_dispute(dispute=dispute, actor=staff)
    with mock.patch("django.utils.timezone.now", return_value=_at(datetime.date(2025, 12, 1))):
        case_work.return_for_information(dispute=dispute, actor=liaison, missing="Claim IDs")
    # when
    with mock.patch("django.utils.timezone.now", return_value=_at(datetime.date(2025, 12, 15))):
        dispute = case_work.amend_dispute(dispute=dispute, actor=staff)
    # then
    assert dispute.status == Status.AMENDED
    assert dispute.received_on == datetime.date(2025, 12, 15)
    assert dispute.decision_due == clocks.decision_due(received_on=datetime.date(2025, 12, 15))
    assert dispute.decision_due == datetime.date(2026, 2, 20)
    assert _notices(dispute, "amendment_window_closing").count() == 0
    overdue = _notices(dispute, "dispute_overdue").get()
    assert timezone.localdate(overdue.due_at) == datetime.date(2026, 2, 21)


def test_given_amendment_window_closed_when_amending_then_refused(world):
    # given
    staff = world.users["facility_staff"]
    dispute = submitted_dispute(facility=world.facility, filer=staff)
    case_work.return_for_information(
        dispute=dispute, actor=world.users["ltss_liaison"], missing="More"
    )
    Dispute.objects.filter(pk=dispute.pk).update(
        amend_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    # when / then
    with pytest.raises(InvalidTransition):
        case_work.amend_dispute(dispute=dispute, actor=staff)


def test_given_returned_dispute_past_amend_due_when_daily_job_runs_then_closed_incomplete(world):
    # given
    dispute = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    case_work.return_for_information(
        dispute=dispute, actor=world.users["ltss_liaison"], missing="More"
    )
    today = timezone.localdate()
    Dispute.objects.filter(pk=dispute.pk).update(amend_due=today - datetime.timedelta(days=1))
    # when
    closed = case_work.close_unamended_disputes(today)
    # then
    dispute.refresh_from_db()
    assert closed == 1
    assert dispute.status == Status.CLOSED_INCOMPLETE
    assert dispute.events.values_list("action", flat=True).last() == "closed_incomplete"


def test_given_returned_dispute_within_window_when_daily_job_runs_then_still_returned(world):
    # given
    dispute = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    case_work.return_for_information(
        dispute=dispute, actor=world.users["ltss_liaison"], missing="More"
    )
    # when
    closed = case_work.close_unamended_disputes(timezone.localdate())
    # then
    dispute.refresh_from_db()
    assert closed == 0
    assert dispute.status == Status.RETURNED


def test_given_open_dispute_past_decision_due_when_escalation_runs_then_flagged_once(world):
    # given
    dispute = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    today = timezone.localdate()
    Dispute.objects.filter(pk=dispute.pk).update(decision_due=today - datetime.timedelta(days=2))
    # when
    first = case_work.escalate_overdue_disputes(today)
    second = case_work.escalate_overdue_disputes(today)
    # then
    dispute.refresh_from_db()
    assert (first, second) == (1, 0)
    assert dispute.is_regulatory_breach
    event = dispute.events.get(action="escalated")
    assert event.is_internal


def test_given_overdue_notice_when_recipients_resolved_then_assignee_and_program_admins(world):
    # given
    from portal.notifications.kinds import get_kind

    dispute = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    notice = _notices(dispute, "dispute_overdue").get()
    # when
    recipients = set(get_kind("dispute_overdue").recipients(notice))
    # then
    assert recipients == {world.users["ltss_liaison"], world.users["program_admin"]}


def test_given_liaison_when_reassigning_then_internal_event_recorded(world):
    # given
    dispute = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    admin = world.users["program_admin"]
    # when
    case_work.assign_dispute(dispute=dispute, assignee=admin, actor=world.users["ltss_liaison"])
    # then
    dispute.refresh_from_db()
    assert dispute.assignee == admin
    assert dispute.events.get(action="reassigned").is_internal


def test_given_finance_user_when_assigning_case_then_refused(world):
    # given
    dispute = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    # when / then
    with pytest.raises(PermissionDenied):
        case_work.assign_dispute(
            dispute=dispute,
            assignee=world.users["ltss_liaison"],
            actor=world.users["finance_analyst"],
        )


def test_given_note_when_edited_then_previous_text_kept_as_revision(world):
    # given
    dispute = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    liaison = world.users["ltss_liaison"]
    note = notes.add_note(
        dispute=dispute, author=liaison, body="first", visibility=Note.Visibility.INTERNAL
    )
    # when
    notes.edit_note(note=note, editor=liaison, body="second")
    # then
    note.refresh_from_db()
    assert note.body == "second"
    assert list(note.revisions.values_list("body", flat=True)) == ["first"]


def test_given_facility_user_when_writing_internal_note_then_it_is_shared(world):
    # given
    dispute = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    # when
    note = notes.add_note(
        dispute=dispute,
        author=world.users["facility_admin"],
        body="hello",
        visibility=Note.Visibility.INTERNAL,
    )
    # then
    assert note.visibility == Note.Visibility.SHARED


def test_given_review_when_partially_overturned_then_adjustment_letter_and_notice(world):
    # given
    dispute = under_review(
        facility=world.facility,
        filer=world.users["facility_staff"],
        liaison=world.users["ltss_liaison"],
    )
    # when
    decision = determination.determine_dispute(
        dispute=dispute,
        actor=world.users["ltss_liaison"],
        outcome=Outcome.PARTIALLY_OVERTURNED,
        reasoning="Two of three days qualify.",
        amount=Decimal("40.00"),
        adjustment_quantity=2,
    )
    # then
    dispute.refresh_from_db()
    assert dispute.status == Status.DETERMINED
    assert decision.adjustment_type == ADJUSTMENT_TYPE
    adjustment = bed_day_adjustment(dispute)
    assert (adjustment.days, adjustment.program_year) == (2, YEAR)
    assert (adjustment.source_type, adjustment.source_id) == ("disputes.dispute", str(dispute.pk))
    assert not adjustment.is_approved
    assert decision.letter.open("rb").read(5) == b"%PDF-"
    assert _notices(dispute, "dispute_decision").count() == 1
    assert _notices(dispute, "dispute_decision_due").count() == 0
    assert dispute.second_level_due == clocks.second_level_due(determined_on=timezone.localdate())


def test_given_determination_when_letter_rendered_then_mentions_dmhc_rights(world):
    # given
    dispute = determined(
        facility=world.facility,
        filer=world.users["facility_staff"],
        liaison=world.users["ltss_liaison"],
    )
    # when
    html = determination.render_letter_html(dispute, dispute.determination)
    # then
    assert "Department of Managed Health Care" in html
    assert "45 working days" in html


def test_given_upheld_outcome_with_amount_when_determined_then_refused(world):
    # given
    dispute = under_review(
        facility=world.facility,
        filer=world.users["facility_staff"],
        liaison=world.users["ltss_liaison"],
    )
    # when / then
    with pytest.raises(ValidationError):
        determination.determine_dispute(
            dispute=dispute,
            actor=world.users["ltss_liaison"],
            outcome=Outcome.UPHELD,
            reasoning="No change.",
            amount=Decimal("10.00"),
        )


def test_given_acknowledged_dispute_when_determined_without_review_then_invalid(world):
    # given
    dispute = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    # when / then
    with pytest.raises(InvalidTransition):
        determination.determine_dispute(
            dispute=dispute,
            actor=world.users["ltss_liaison"],
            outcome=Outcome.UPHELD,
            reasoning="No change.",
            amount=Decimal("0"),
        )


def test_given_determined_dispute_when_second_level_filed_then_draft_linked_to_parent(world):
    # given
    staff = world.users["facility_staff"]
    parent = determined(facility=world.facility, filer=staff, liaison=world.users["ltss_liaison"])
    # when
    second = determination.file_second_level(parent=parent, actor=staff)
    filing.update_dispute(dispute=second, actor=staff, explanation="The third day qualified.")
    second = filing.submit_dispute(dispute=second, actor=staff)
    # then
    assert (second.level, second.parent, second.status) == (2, parent, Status.ACKNOWLEDGED)
    assert second.filing_deadline == parent.second_level_due
    assert second.received_on is not None
    assert second.decision_due == clocks.decision_due(received_on=second.received_on, level=2)


def test_given_approved_adjustment_when_supplemental_run_posted_then_entry_linked(world):
    # given: the facility was paid 100 days x $20 = $2,000.00 on the interim run
    analyst, approver = world.users["finance_analyst"], world.users["finance_approver"]
    paid_facility(world.facility, analyst=analyst, approver=approver)
    dispute = determined(
        facility=world.facility,
        filer=world.users["facility_staff"],
        liaison=world.users["ltss_liaison"],
        days=2,
    )
    adjustment = bed_day_adjustment(dispute)
    money.approve_dispute_adjustment(determination=dispute.determination, approver=approver)
    # when
    run = money.start_supplemental_run(dispute=dispute, actor=analyst)
    money.approve_supplemental_run(dispute=dispute, run=run, approver=approver)
    # then: 102 days x $20 = $2,040.00 gross, $40.00 net posted and linked to the dispute
    entry = dispute_ledger_entries(dispute).get()
    assert entry.amount == Decimal("40.00")
    assert entry.run == run
    assert entry.facility_id == world.facility.pk
    assert BedDayAdjustment.objects.get(pk=adjustment.pk).posted_run == run
    assert dispute.events.filter(action="payment_posted").exists()


def test_given_supplemental_run_when_its_starter_approves_then_two_person_rule_refuses(world):
    # given
    approver = world.users["finance_approver"]
    paid_facility(world.facility, analyst=world.users["finance_analyst"], approver=approver)
    dispute = determined(
        facility=world.facility,
        filer=world.users["facility_staff"],
        liaison=world.users["ltss_liaison"],
    )
    money.approve_dispute_adjustment(determination=dispute.determination, approver=approver)
    run = money.start_supplemental_run(dispute=dispute, actor=approver)
    # when / then
    with pytest.raises(TwoPersonRuleError):
        money.approve_supplemental_run(dispute=dispute, run=run, approver=approver)
    assert not LedgerEntry.objects.filter(run=run).exists()
    assert PaymentRun.objects.get(pk=run.pk).status == PaymentRun.Status.DRAFT


def test_given_every_transition_when_made_then_event_and_audit_row_in_same_transaction(world):
    # given
    from portal.models import AuditEvent

    staff = world.users["facility_staff"]
    # when
    dispute = submitted_dispute(facility=world.facility, filer=staff)
    # then
    events = DisputeEvent.objects.filter(dispute=dispute).count()
    audits = AuditEvent.objects.filter(
        target_type="disputes.dispute", target_id=str(dispute.pk)
    ).count()
    assert events == audits == 3


def test_given_overdue_case_when_daily_reminders_produced_then_disputes_producers_run(world):
    # given
    from portal.notifications.reminders import produce_daily_reminders

    dispute = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    today = timezone.localdate()
    Dispute.objects.filter(pk=dispute.pk).update(decision_due=today - datetime.timedelta(days=1))
    # when
    counts = produce_daily_reminders(today=today)
    # then
    assert counts["disputes.escalate_overdue"] == 1
    assert counts["disputes.close_unamended"] == 0
    dispute.refresh_from_db()
    assert dispute.is_regulatory_breach


def test_given_executable_renamed_pdf_when_attached_then_refused_and_nothing_stored(world):
    # given
    from django.core.files.uploadedfile import SimpleUploadedFile

    staff = world.users["facility_staff"]
    dispute = draft_dispute(facility=world.facility, filer=staff)
    upload = SimpleUploadedFile("claims.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    # when
    with pytest.raises(ValidationError) as refused:
        notes.upload_attachment(dispute=dispute, upload=upload, actor=staff)
    # then
    assert "not a PDF" in " ".join(refused.value.messages)
    assert dispute.attachments.count() == 0


def test_given_submitted_dispute_when_facility_attaches_then_refused(world):
    # given
    from tests.disputes.helpers import pdf_upload

    staff = world.users["facility_staff"]
    dispute = submitted_dispute(facility=world.facility, filer=staff)
    # when / then
    with pytest.raises(InvalidTransition):
        notes.upload_attachment(dispute=dispute, upload=pdf_upload(), actor=staff)


def test_given_dispute_held_by_the_lead_when_a_liaison_takes_it_then_refused(world):
    # given: the lead holds the case (the same rule as every case: portal.cases.services)
    dispute = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    lead, liaison = world.users["program_admin"], world.users["ltss_liaison"]
    case_work.assign_dispute(dispute=dispute, assignee=lead, actor=lead)
    # when / then
    with pytest.raises(PermissionDenied):
        case_work.assign_dispute(dispute=dispute, assignee=liaison, actor=liaison)
    dispute.refresh_from_db()
    assert dispute.assignee == lead
