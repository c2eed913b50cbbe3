"""Inquiry services: routing, the thread, notices to the other side (no PHI in e-mail, the
preferences respected), the member reference's access log, turning into a dispute, My work."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from disputes.models import Dispute, DisputeItem
from disputes.models import Status as DisputeStatus
from disputes.services import from_inquiry
from portal.cases.work import my_work
from portal.inquiries import services
from portal.inquiries.models import Category, Inquiry, Status
from portal.models import AccessLogEntry, Notice, NoticePreference, OutboundEmail
from portal.notifications.services import sweep_due_notices
from tests.inquiries.helpers import (
    CIN,
    INTERNAL_NOTE,
    answered_inquiry,
    draft_inquiry,
    internal_note,
    pdf_upload,
    submitted_inquiry,
)

pytestmark = pytest.mark.django_db


def _sweep() -> None:
    sweep_due_notices(now=timezone.now() + datetime.timedelta(minutes=1))


def test_given_facility_with_primary_liaison_when_submitted_then_routed_and_numbered(world):
    inquiry = submitted_inquiry(facility=world.facility, author=world.users["facility_staff"])
    assert inquiry.case_number == f"INQ-{inquiry.pk:06d}"
    assert inquiry.assignee == world.users["ltss_liaison"]
    assert inquiry.status == Status.SUBMITTED


def test_given_facility_without_liaison_when_submitted_then_team_queue(world):
    inquiry = submitted_inquiry(
        facility=world.other_facility, author=world.users["other_facility_staff"]
    )
    assert inquiry.assignee is None
    assert "team queue" in inquiry.events.get(action="submitted").reason


def test_given_bad_member_reference_when_saved_then_error_names_the_field(world):
    with pytest.raises(ValidationError) as error:
        services.save_draft(
            organisation=world.facility,
            author=world.users["facility_staff"],
            category=Category.CLAIMS_PAYMENT,
            subject="s",
            body="b",
            member_cin="12AB",
            service_from=datetime.date(2025, 3, 5),
            service_to=datetime.date(2025, 3, 1),
        )
    assert set(error.value.message_dict) == {"member_cin", "service_to"}
    assert not Inquiry.objects.exists()


def test_given_other_facility_user_when_drafting_for_facility_a_then_refused(world):
    with pytest.raises(PermissionDenied):
        draft_inquiry(facility=world.facility, author=world.users["other_facility_staff"])


def test_given_liaison_reply_when_posted_then_first_reply_clock_stops(world):
    inquiry = submitted_inquiry(facility=world.facility, author=world.users["facility_staff"])
    services.post_message(inquiry=inquiry, author=world.users["ltss_liaison"], body="On it.")
    inquiry.refresh_from_db()
    assert inquiry.status == Status.IN_PROGRESS
    assert inquiry.first_replied_at is not None
    from portal.cases.services import pending_notices

    assert not pending_notices(inquiry, ["inquiry_first_reply_due"]).exists()
    assert (
        not pending_notices(inquiry, ["inquiry_overdue"]).filter(data__clock="first_reply").exists()
    )
    assert pending_notices(inquiry, ["inquiry_resolution_due"]).exists()


def test_given_internal_note_when_posted_then_no_clock_stops_and_no_notice(world):
    inquiry = submitted_inquiry(facility=world.facility, author=world.users["facility_staff"])
    _sweep()
    before = Notice.objects.count()
    internal_note(inquiry, world.users["ltss_liaison"])
    _sweep()
    inquiry.refresh_from_db()
    assert inquiry.first_replied_at is None
    assert Notice.objects.count() == before


def test_given_liaison_message_when_swept_then_facility_notified_with_link_and_number_only(
    world, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    staff, liaison = world.users["facility_staff"], world.users["ltss_liaison"]
    inquiry = submitted_inquiry(facility=world.facility, author=staff)
    services.post_message(inquiry=inquiry, author=liaison, body=f"Member {CIN} was paid.")
    _sweep()
    to_facility = Notice.objects.filter(user=staff, kind="inquiry_message")
    assert to_facility.count() == 1
    notice = to_facility.get()
    assert notice.title == f"New message on inquiry {inquiry.case_number}"
    assert notice.link == inquiry.get_absolute_url()
    emails = OutboundEmail.objects.filter(to=staff.email)
    assert emails.exists()
    for email in emails:
        text = email.subject + email.body_text + email.body_html
        assert CIN not in text
        assert CIN[-4:] not in text
        assert inquiry.subject not in text
        assert "was paid" not in text
        assert inquiry.case_number in text
    # the plan was told of the submission (the liaison), not of its own message
    assert Notice.objects.filter(user=liaison, kind="inquiry_message").count() == 1


def test_given_in_app_only_preference_when_message_then_inbox_but_no_email(world):
    staff, liaison = world.users["facility_staff"], world.users["ltss_liaison"]
    NoticePreference.objects.create(user=staff, kind="inquiry_message", channel="in_app")
    inquiry = submitted_inquiry(facility=world.facility, author=staff)
    services.post_message(inquiry=inquiry, author=liaison, body="Answer")
    _sweep()
    assert Notice.objects.filter(user=staff, kind="inquiry_message").exists()
    assert not OutboundEmail.objects.filter(to=staff.email).exists()
    assert len(mail.outbox) == 0 or all(staff.email not in m.to for m in mail.outbox)


def test_given_answer_when_marked_then_closed_with_reopen_window(world):
    inquiry = answered_inquiry(
        facility=world.facility,
        author=world.users["facility_staff"],
        liaison=world.users["ltss_liaison"],
    )
    assert inquiry.status == Status.CLOSED
    assert inquiry.answer is not None
    assert inquiry.answer_id == inquiry.notes.get().pk
    assert inquiry.reopen_until is not None
    assert inquiry.closed_on is not None
    assert inquiry.reopen_until > inquiry.closed_on
    with pytest.raises(services.InvalidTransition, match="reopen it"):
        services.post_message(inquiry=inquiry, author=world.users["facility_staff"], body="?")


def test_given_internal_note_when_marking_it_the_answer_then_refused(world):
    inquiry = submitted_inquiry(facility=world.facility, author=world.users["facility_staff"])
    note = internal_note(inquiry, world.users["ltss_liaison"])
    with pytest.raises(ValidationError):
        services.close_with_answer(inquiry=inquiry, message=note, actor=world.users["ltss_liaison"])


def test_given_case_held_by_another_when_a_liaison_reassigns_then_refused_lead_may(world):
    liaison, lead = world.users["ltss_liaison"], world.users["program_admin"]
    inquiry = submitted_inquiry(facility=world.facility, author=world.users["facility_staff"])
    # the liaison holds it (primary liaison) and hands it on to the lead
    inquiry = services.assign_inquiry(inquiry=inquiry, assignee=lead, actor=liaison)
    with pytest.raises(PermissionDenied):
        services.assign_inquiry(inquiry=inquiry, assignee=liaison, actor=liaison)
    inquiry = services.assign_inquiry(inquiry=inquiry, assignee=None, actor=lead)
    assert inquiry.assignee is None
    # an unassigned case: a liaison takes it for themselves
    inquiry = services.assign_inquiry(inquiry=inquiry, assignee=liaison, actor=liaison)
    assert inquiry.assignee == liaison


@pytest.mark.parametrize(
    ("role", "full", "logged"),
    [
        ("facility_staff", True, True),
        ("ltss_liaison", True, True),
        ("program_admin", True, True),
        ("finance_analyst", False, False),
    ],
)
def test_given_member_reference_when_case_viewed_then_full_only_for_parties_and_logged(
    client_as, world, role, full, logged
):
    inquiry = submitted_inquiry(facility=world.facility, author=world.users["facility_staff"])
    response = client_as(role).get(inquiry.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert (CIN in page) is full
    assert "CIN •••••••7A" in page or full
    entries = AccessLogEntry.objects.filter(user=world.users[role], facility=world.facility)
    assert entries.filter(masked=False, row_count=1).exists() is logged


@pytest.mark.parametrize(
    ("role", "url_name"),
    [("facility_staff", "inquiries:inquiry_list"), ("ltss_liaison", "inquiries:queue")],
)
def test_given_member_reference_when_lists_shown_then_masked(client_as, world, role, url_name):
    submitted_inquiry(facility=world.facility, author=world.users["facility_staff"])
    page = client_as(role).get(reverse(url_name)).content.decode()
    assert CIN not in page
    assert "•••••••7A" in page


def test_given_internal_note_when_facility_views_case_then_hidden(client_as, world):
    inquiry = submitted_inquiry(facility=world.facility, author=world.users["facility_staff"])
    internal_note(inquiry, world.users["ltss_liaison"])
    assert (
        INTERNAL_NOTE
        not in client_as("facility_staff").get(inquiry.get_absolute_url()).content.decode()
    )
    assert (
        INTERNAL_NOTE in client_as("ltss_liaison").get(inquiry.get_absolute_url()).content.decode()
    )


def test_given_claims_inquiry_when_turned_into_dispute_then_linked_with_text_and_files(world):
    staff, liaison = world.users["facility_staff"], world.users["ltss_liaison"]
    inquiry = submitted_inquiry(facility=world.facility, author=staff)
    services.upload_attachment(inquiry=inquiry, upload=pdf_upload(), actor=staff)
    services.post_message(inquiry=inquiry, author=liaison, body="The days were not counted.")
    dispute = from_inquiry.convert_inquiry(
        inquiry=inquiry,
        actor=staff,
        program="wqip",
        program_year=2025,
        dispute_type="bed_day_count",
    )
    assert dispute.inquiry == inquiry
    assert dispute.status == DisputeStatus.DRAFT
    assert dispute.received_on is None
    assert dispute.decision_due is None
    assert inquiry.body in dispute.explanation
    assert "The days were not counted." in dispute.explanation
    copied = dispute.attachments.get()
    original = inquiry.attachments.get()
    assert (copied.sha256, copied.original_name) == (original.sha256, original.original_name)
    assert copied.file.name != original.file.name
    item = dispute.items.get()
    assert (item.kind, item.member_id, item.days) == (DisputeItem.Kind.MEMBER_DAYS, CIN, 10)
    inquiry.refresh_from_db()
    assert inquiry.status == Status.CONVERTED
    assert dispute.events.filter(action="created_from_inquiry").exists()
    with pytest.raises(Exception, match="cannot become a dispute"):
        from_inquiry.convert_inquiry(
            inquiry=inquiry,
            actor=staff,
            program="wqip",
            program_year=2025,
            dispute_type="bed_day_count",
        )
    assert Dispute.objects.count() == 1


def test_given_placement_inquiry_when_turned_into_dispute_then_refused(world):
    staff = world.users["facility_staff"]
    inquiry = submitted_inquiry(
        facility=world.facility, author=staff, category=Category.PLACEMENT, with_member=False
    )
    assert not from_inquiry.can_convert(user=staff, inquiry=inquiry)
    with pytest.raises(Exception, match="claims or payment"):
        from_inquiry.convert_inquiry(
            inquiry=inquiry,
            actor=staff,
            program="wqip",
            program_year=2025,
            dispute_type="bed_day_count",
        )


def test_given_cases_of_every_kind_when_my_work_then_mine_and_queue_next_due_first(world):
    from tests.disputes.helpers import submitted_dispute

    liaison = world.users["ltss_liaison"]
    mine = submitted_inquiry(facility=world.facility, author=world.users["facility_staff"])
    queue = submitted_inquiry(
        facility=world.other_facility, author=world.users["other_facility_staff"]
    )
    lead_held = submitted_inquiry(facility=world.facility, author=world.users["facility_staff"])
    services.assign_inquiry(
        inquiry=lead_held, assignee=world.users["program_admin"], actor=world.users["program_admin"]
    )
    dispute = submitted_dispute(
        facility=world.other_facility, filer=world.users["other_facility_staff"]
    )
    work = my_work(user=liaison)
    references = [i.reference for i in work.items]
    assert set(references) == {mine.case_number, queue.case_number, dispute.reference}
    dues = [i.due_on or datetime.date.max for i in work.items]
    assert dues == sorted(dues)
    assert dict(work.by_state)["Awaiting first reply"] == 2
    queued = [i.reference for i in work.items if i.reference != mine.case_number]
    assert [i.reference for i in my_work(user=liaison, holder="queue").items] == queued
    assert [i.reference for i in my_work(user=liaison, kind="dispute").items] == [dispute.reference]
    assert my_work(user=world.users["facility_staff"]).items == []


def test_given_message_when_edited_by_its_author_then_earlier_text_kept(world):
    staff, liaison = world.users["facility_staff"], world.users["ltss_liaison"]
    inquiry = submitted_inquiry(facility=world.facility, author=staff)
    message = services.post_message(inquiry=inquiry, author=liaison, body="First text")
    edited = services.edit_message(message=message, editor=liaison, body="Second text")
    assert edited.body == "Second text"
    assert edited.edited_at is not None
    assert list(edited.revisions.values_list("body", flat=True)) == ["First text"]
    with pytest.raises(PermissionDenied):
        services.edit_message(message=edited, editor=staff, body="Not mine")
