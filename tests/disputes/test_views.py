"""Dispute pages: IDOR (another facility's objects are 404), internal notes never reach facility
users (pages, notices, letters), filing through the form with drill-down prefill, the queue,
the SLA dashboard and the finance page."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import PurePath

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from disputes.models import Dispute, DisputeItem, Note, Status
from disputes.services import case_work, determination, filing, notes
from portal.models import Notice, OutboundEmail, ScheduledNotice
from portal.notifications.services import sweep_due_notices
from programs.wqip.disputes import member_range_item
from tests.disputes.helpers import (
    INTERNAL_SECRET,
    YEAR,
    add_internal_note,
    complete_fields,
    determined,
    draft_dispute,
    paid_facility,
    pdf_upload,
    submitted_dispute,
    under_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispute_of_a(world):
    dispute = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    notes.upload_attachment(dispute=dispute, upload=pdf_upload(), actor=world.users["ltss_liaison"])
    add_internal_note(dispute, world.users["ltss_liaison"])
    return dispute


@pytest.mark.parametrize(
    "url_name",
    ["dispute_detail", "dispute_edit", "letter_download"],
)
def test_given_other_facility_user_when_asking_for_dispute_by_id_then_404(
    world, client_as, url_name
):
    # given
    dispute = determined(
        facility=world.facility,
        filer=world.users["facility_staff"],
        liaison=world.users["ltss_liaison"],
    )
    # when
    response = client_as("other_facility_staff").get(
        reverse(f"disputes:{url_name}", args=[dispute.pk])
    )
    # then
    assert response.status_code == 404


def test_given_other_facility_user_when_asking_for_attachment_by_id_then_404(
    world, client_as, dispute_of_a
):
    # given
    attachment = dispute_of_a.attachments.get()
    # when
    response = client_as("other_facility_staff").get(
        reverse("disputes:attachment_download", args=[attachment.pk])
    )
    # then
    assert response.status_code == 404


def test_given_facility_user_when_downloading_own_attachment_then_file_returned(
    world, client_as, dispute_of_a
):
    # given
    attachment = dispute_of_a.attachments.get()
    # when
    response = client_as("facility_admin").get(
        reverse("disputes:attachment_download", args=[attachment.pk])
    )
    # then
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_given_pdf_named_html_when_attached_and_downloaded_then_stored_and_served_as_pdf(
    world, client_as, settings, tmp_path
):
    # given: a PDF/HTML polyglot under an .html name, on a dispute being filed
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    dispute = draft_dispute(facility=world.facility, filer=world.users["facility_staff"])
    client = client_as("facility_staff")
    polyglot = SimpleUploadedFile("poly.html", b"%PDF-1.4 <script>alert(1)</script>")
    # when
    client.post(reverse("disputes:attachment_upload", args=[dispute.pk]), {"file": polyglot})
    attachment = dispute.attachments.get()
    response = client.get(reverse("disputes:attachment_download", args=[attachment.pk]))
    # then: a generated name with the detected extension; the download is a PDF attachment
    stored = PurePath(attachment.stored_name).name
    assert stored.endswith(".pdf")
    assert "poly" not in stored
    assert "html" not in stored
    assert [p.name for p in settings.PRIVATE_MEDIA_ROOT.rglob("*") if p.is_file()] == [stored]
    assert attachment.original_name == "poly.html"
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="poly.html.pdf"'


@pytest.mark.parametrize(
    ("url_name", "extra"),
    [
        ("add_message", {"body": "x"}),
        ("second_level", {}),
        ("dispute_submit", {}),
        ("attachment_upload", {}),
    ],
)
def test_given_other_facility_user_when_posting_to_dispute_then_404_and_nothing_changes(
    world, client_as, dispute_of_a, url_name, extra
):
    # given
    notes_before = Note.objects.count()
    # when
    response = client_as("other_facility_staff").post(
        reverse(f"disputes:{url_name}", args=[dispute_of_a.pk]), extra
    )
    # then
    assert response.status_code == 404
    assert Note.objects.count() == notes_before
    assert Dispute.objects.filter(level=2).count() == 0


def test_given_other_facility_user_when_listing_disputes_then_none_of_facility_a(
    world, client_as, dispute_of_a
):
    # when
    response = client_as("other_facility_staff").get(reverse("disputes:dispute_list"))
    # then
    assert dispute_of_a.reference not in response.content.decode()


def test_given_internal_note_when_facility_user_opens_dispute_then_note_not_shown(
    world, client_as, dispute_of_a
):
    # when
    page = client_as("facility_staff").get(dispute_of_a.get_absolute_url()).content.decode()
    # then
    assert INTERNAL_SECRET not in page


def test_given_internal_note_when_liaison_opens_dispute_then_note_shown(
    world, client_as, dispute_of_a
):
    # when
    page = client_as("ltss_liaison").get(dispute_of_a.get_absolute_url()).content.decode()
    # then
    assert INTERNAL_SECRET in page


def test_given_internal_assignment_event_when_facility_opens_timeline_then_hidden(
    world, client_as, dispute_of_a
):
    # given
    case_work.assign_dispute(
        dispute=dispute_of_a,
        assignee=world.users["program_admin"],
        actor=world.users["ltss_liaison"],
        reason="Reassigned: workload",
    )
    # when
    page = client_as("facility_staff").get(dispute_of_a.get_absolute_url()).content.decode()
    # then
    assert "Reassigned: workload" not in page


def test_given_internal_note_when_determination_letter_rendered_then_note_absent(world):
    # given
    dispute = determined(
        facility=world.facility,
        filer=world.users["facility_staff"],
        liaison=world.users["ltss_liaison"],
    )
    add_internal_note(dispute, world.users["ltss_liaison"])
    # when
    html = determination.render_letter_html(dispute, dispute.determination)
    # then
    assert INTERNAL_SECRET not in html
    assert "MEMBER00012345" not in html


def test_given_internal_note_when_decision_notice_sent_then_facility_mail_has_no_note(world):
    # given
    dispute = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    add_internal_note(dispute, world.users["ltss_liaison"])
    case_work.start_review(dispute=dispute, actor=world.users["ltss_liaison"])
    determination.determine_dispute(
        dispute=dispute,
        actor=world.users["ltss_liaison"],
        outcome="upheld",
        reasoning="Counted correctly.",
        amount=Decimal("0"),
    )
    # when
    sweep_due_notices(now=timezone.now() + datetime.timedelta(minutes=1))
    # then
    facility_notices = Notice.objects.filter(user=world.users["facility_staff"])
    assert facility_notices.exists()
    texts = [n.title + n.body for n in facility_notices]
    texts += list(
        OutboundEmail.objects.filter(to=world.users["facility_staff"].email).values_list(
            "body_text", flat=True
        )
    )
    assert all(INTERNAL_SECRET not in text for text in texts)


def test_given_facility_user_when_posting_internal_message_then_saved_as_shared(
    world, client_as, dispute_of_a
):
    # when
    client_as("facility_staff").post(
        reverse("disputes:add_message", args=[dispute_of_a.pk]),
        {"body": "Please call us", "visibility": "internal"},
    )
    # then
    note = dispute_of_a.notes.get(body="Please call us")
    assert note.visibility == Note.Visibility.SHARED


def test_given_member_range_link_when_starting_dispute_then_item_copied_and_member_masked(
    world, client_as
):
    # given
    paid = paid_facility(world.facility)
    client = client_as("facility_staff")
    url = reverse("disputes:dispute_start") + f"?member_range={paid.member_range.pk}"
    # when
    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "facility": world.facility.pk,
            "program_year": YEAR,
            "dispute_type": "bed_day_count",
            "member_range": paid.member_range.pk,
        },
    )
    # then
    assert "MEMBER00012345" not in page
    assert "•••2345" in page
    dispute = Dispute.objects.get(facility=world.facility)
    assert response.status_code == 302
    item = dispute.items.get()
    assert (item.kind, item.days, item.first_day) == (
        DisputeItem.Kind.MEMBER_DAYS,
        3,
        paid.member_range.first_day,
    )


def test_given_other_facility_member_range_when_prefilling_then_404(world, client_as):
    # given
    paid = paid_facility(world.facility)
    # when
    response = client_as("other_facility_staff").get(
        reverse("disputes:dispute_start") + f"?member_range={paid.member_range.pk}"
    )
    # then
    assert response.status_code == 404


def test_given_late_draft_when_submitted_through_page_then_refusal_explains_dates(world, client_as):
    # given
    staff = world.users["facility_staff"]
    action_on = timezone.localdate() - datetime.timedelta(days=400)
    dispute = filing.create_dispute_draft(
        facility=world.facility,
        program="wqip",
        program_year=YEAR,
        dispute_type="payment_timing",
        filed_by=staff,
        **complete_fields(plan_action_on=action_on),
    )
    # when
    response = client_as("facility_staff").post(
        reverse("disputes:dispute_submit", args=[dispute.pk]), follow=True
    )
    # then
    last_day = action_on + datetime.timedelta(days=365)
    assert f"last day to file was {last_day:%-d %B %Y}" in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.status == Status.DRAFT


def test_given_cases_when_queue_filtered_overdue_then_only_overdue_shown(world, client_as):
    # given
    late = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    on_time = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    Dispute.objects.filter(pk=late.pk).update(
        decision_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    # when
    page = (
        client_as("ltss_liaison").get(reverse("disputes:queue") + "?due=overdue").content.decode()
    )
    # then
    assert late.reference in page
    assert on_time.reference not in page


def test_given_cases_when_queue_sorted_by_due_then_soonest_first(world, client_as):
    # given
    later = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    sooner = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    assert later.decision_due is not None
    Dispute.objects.filter(pk=sooner.pk).update(
        decision_due=later.decision_due - datetime.timedelta(days=3)
    )
    # when
    page = client_as("ltss_liaison").get(reverse("disputes:queue")).content.decode()
    # then
    assert page.index(sooner.reference) < page.index(later.reference)


def test_given_case_due_in_3_working_days_when_sla_dashboard_then_listed_as_due_soon(
    world, client_as
):
    # given
    from portal.calendar.dates import add_working_days

    dispute = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    Dispute.objects.filter(pk=dispute.pk).update(
        decision_due=add_working_days(start=timezone.localdate(), days=3)
    )
    # when
    response = client_as("program_admin").get(reverse("disputes:sla"))
    # then
    assert [d.pk for d in response.context["soon"]] == [dispute.pk]
    assert response.context["by_liaison"][0]["soon"] == 1


def test_given_pending_adjustment_when_approver_opens_outcomes_then_listed_with_button(
    world, client_as
):
    # given
    dispute = determined(
        facility=world.facility,
        filer=world.users["facility_staff"],
        liaison=world.users["ltss_liaison"],
    )
    # when
    page = client_as("finance_approver").get(reverse("disputes:money_outcomes")).content.decode()
    # then
    assert dispute.reference in page
    assert "Approve adjustment" in page


def test_given_dispute_decision_when_notice_scheduled_then_it_links_to_the_dispute(world):
    # given
    dispute = determined(
        facility=world.facility,
        filer=world.users["facility_staff"],
        liaison=world.users["ltss_liaison"],
    )
    # when
    notice = ScheduledNotice.objects.get(
        kind="dispute_decision",
        subject_type=ContentType.objects.get_for_model(Dispute),
        subject_id=dispute.pk,
    )
    # then
    assert notice.link == dispute.get_absolute_url()


def test_given_internal_note_when_liaison_edits_on_page_then_revision_kept(
    world, client_as, dispute_of_a
):
    # given
    note = dispute_of_a.notes.get(visibility=Note.Visibility.INTERNAL)
    # when
    response = client_as("program_admin").post(
        reverse("disputes:note_edit", args=[note.pk]), {"body": "Corrected note"}
    )
    # then
    note.refresh_from_db()
    assert response.status_code == 302
    assert note.body == "Corrected note"
    assert list(note.revisions.values_list("body", flat=True)) == [INTERNAL_SECRET]


@pytest.mark.parametrize(
    ("role", "labels"),
    [
        ("facility_staff", ["Disputes"]),
        ("ltss_liaison", ["Dispute cases", "Dispute SLAs"]),
        ("finance_approver", ["Dispute outcomes"]),
    ],
)
def test_given_role_when_navigation_built_then_dispute_items_for_that_role(world, role, labels):
    # given
    from disputes.navigation import dispute_nav_items

    # when
    items = dispute_nav_items(world.users[role])
    # then
    assert [item.label for item in items] == labels


@pytest.mark.parametrize(
    ("role", "shows_full_id"),
    [("facility_staff", False), ("finance_analyst", False), ("ltss_liaison", True)],
)
def test_given_member_day_dispute_when_page_viewed_then_masking_by_role_and_view_logged(
    world, client_as, role, shows_full_id
):
    # given
    from portal.models import AuditEvent

    paid = paid_facility(world.facility)
    staff = world.users["facility_staff"]
    dispute = filing.create_dispute_draft(
        facility=world.facility,
        program="wqip",
        program_year=YEAR,
        dispute_type="bed_day_count",
        filed_by=staff,
        items=[member_range_item(paid.member_range)],
        **complete_fields(),
    )
    filing.submit_dispute(dispute=dispute, actor=staff)
    # when
    page = client_as(role).get(dispute.get_absolute_url()).content.decode()
    # then
    assert ("MEMBER00012345" in page) is shows_full_id
    assert AuditEvent.objects.filter(
        action="dispute.member_rows_viewed", actor=world.users[role]
    ).exists()


def test_given_month_link_when_starting_dispute_then_month_item_created(world, client_as):
    # given
    client = client_as("facility_admin")
    url = reverse("disputes:dispute_start") + f"?month=3&facility={world.facility.pk}&year=2025"
    form = client.get(url).context["form"]
    # when
    client.post(url, {**form.initial, "program_year": YEAR})
    # then
    dispute = Dispute.objects.get(facility=world.facility)
    assert form.initial["facility"] == world.facility.pk
    assert list(dispute.items.values_list("kind", "month")) == [(DisputeItem.Kind.MONTH, 3)]


@pytest.mark.parametrize("value", ["²", "9" * 5000])
@pytest.mark.parametrize(
    ("params", "prefilled"),
    [
        ({"member_range": "{value}"}, "member_range"),
        ({"month": "{value}"}, "month"),
        ({"month": "3", "facility": "{value}"}, "facility"),
        ({"month": "3", "year": "{value}"}, "program_year"),
    ],
    ids=["member_range", "month", "facility", "year"],
)
def test_given_number_int_refuses_in_prefill_link_when_starting_dispute_then_page_without_it(
    world, client_as, params, prefilled, value
):
    # given ("²" passes str.isdigit() but not int(); int() refuses 5,000 digits)
    query = {key: text.format(value=value) for key, text in params.items()}
    # when
    response = client_as("facility_staff").get(reverse("disputes:dispute_start"), query)
    # then
    assert response.status_code == 200
    assert prefilled not in response.context["form"].initial


@pytest.mark.parametrize("value", ["²", "9" * 5000])
@pytest.mark.parametrize("key", ["facility", "month", "member_range", "program_year"])
def test_given_number_int_refuses_in_posted_field_when_starting_dispute_then_400_and_no_draft(
    world, client_as, key, value
):
    # given
    data = {
        "facility": world.facility.pk,
        "program_year": YEAR,
        "dispute_type": "payment_timing",
        key: value,
    }
    # when
    response = client_as("facility_staff").post(reverse("disputes:dispute_start"), data)
    # then
    assert response.status_code == 400
    assert not Dispute.objects.exists()


@pytest.mark.parametrize("days", ["99999999999", "-99999999999", "999999999999999999"])
def test_given_more_days_than_postgresql_holds_when_overturning_then_400_and_still_under_review(
    world, client_as, days
):
    # given
    dispute = under_review(
        facility=world.facility,
        filer=world.users["facility_staff"],
        liaison=world.users["ltss_liaison"],
    )
    # when
    response = client_as("ltss_liaison").post(
        reverse("disputes:determine", args=[dispute.pk]),
        {
            "outcome": "overturned",
            "reasoning": "Counted wrong.",
            "amount": "0",
            "adjustment_quantity": days,
        },
    )
    # then
    assert response.status_code == 400
    assert "adjustment_quantity" in response.context["form"].errors
    dispute.refresh_from_db()
    assert dispute.status == Status.UNDER_REVIEW


def test_given_determined_dispute_when_closed_with_nul_in_reason_then_closed_without_it(
    world, client_as
):
    # given (PostgreSQL refuses NUL in text)
    dispute = determined(
        facility=world.facility,
        filer=world.users["facility_staff"],
        liaison=world.users["ltss_liaison"],
    )
    # when
    response = client_as("ltss_liaison").post(
        reverse("disputes:case_action", args=[dispute.pk, "close"]), {"reason": "Paid\x00 in full"}
    )
    # then
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == Status.CLOSED
    assert dispute.events.get(action="closed").reason == "Paid in full"
