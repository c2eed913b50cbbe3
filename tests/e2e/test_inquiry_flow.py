"""Acceptance (inquiries): a facility user asks a payment question with a member reference
and a PDF, the liaison (reaching it from My work on the home page) answers it and closes the
case, the facility reads the answer and turns the inquiry into a dispute - in Chromium,
against live_server. Every page both users saw passes axe-core, and nothing the portal logged
during the flow (log records, audit rows, notices, e-mails) holds the member's CIN.
"""

from __future__ import annotations

import datetime
import logging
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone
from playwright.sync_api import Browser, expect

from disputes.models import Dispute
from disputes.models import Status as DisputeStatus
from portal.inquiries.models import Inquiry, Status
from portal.models import AccessLogEntry, AuditEvent, LiaisonAssignment, Notice, Role
from portal.notifications.services import sweep_due_notices
from tests.e2e.helpers import assert_accessible, new_checked_page, recheck_visited_pages
from tests.e2e.test_opt_in_flow import log_in
from tests.factories import FacilityFactory, UserFactory
from tests.inquiries.helpers import CIN, PDF_BYTES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_given_payment_question_when_answered_then_facility_reads_it_and_files_a_dispute(
    live_server, browser: Browser, tmp_path: Path, settings, caplog
):
    # given
    caplog.set_level(logging.DEBUG)
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    facility = FacilityFactory.create(name="Sunrise Care Center")
    staff = UserFactory.create(
        role=Role.FACILITY_STAFF, facilities=[facility], full_name="Sam Staff"
    )
    liaison = UserFactory.create(role=Role.LTSS_LIAISON, full_name="Lee Liaison")
    secret = generate_totp_secret()
    TOTP.activate(liaison, secret)
    LiaisonAssignment.objects.create(facility=facility, liaison=liaison)
    remittance = tmp_path / "remittance.pdf"
    remittance.write_bytes(PDF_BYTES)
    base = live_server.url
    facility_page = new_checked_page(browser)
    liaison_page = new_checked_page(browser)

    # when: the facility asks, with the member reference and the remittance advice
    log_in(facility_page, base, staff.email)
    facility_page.goto(f"{base}/inquiries/new/")
    assert_accessible(facility_page)
    facility_page.get_by_label("Category").select_option(label="Claims and payment")
    facility_page.get_by_label("Subject").fill("March days not paid")
    facility_page.get_by_label("Your question").fill(
        "Ten days in March were not paid in the interim run. Why?"
    )
    facility_page.get_by_label("Member's Medi-Cal CIN").fill(CIN)
    facility_page.get_by_label("Dates of service: from").fill("2025-03-01")
    facility_page.get_by_label("Dates of service: to").fill("2025-03-10")
    facility_page.get_by_role("button", name="Save draft").click()
    expect(facility_page.get_by_text("Draft saved")).to_be_visible()
    facility_page.get_by_label("File (PDF, PNG or JPEG)").set_input_files(str(remittance))
    facility_page.get_by_role("button", name="Upload").click()
    expect(facility_page.get_by_role("link", name="remittance.pdf")).to_be_visible()
    assert_accessible(facility_page)
    facility_page.get_by_role("button", name="Send to the plan").click()
    expect(facility_page.get_by_test_id("inquiry-status")).to_have_text("Awaiting first reply")
    inquiry = Inquiry.objects.get(organisation=facility)
    expect(facility_page.get_by_test_id("member-reference")).to_contain_text(CIN)
    assert_accessible(facility_page)
    facility_page.goto(f"{base}/inquiries/")
    expect(facility_page.get_by_role("cell", name="CIN •••••••7A")).to_be_visible()
    assert CIN not in facility_page.content()

    # when: the liaison finds it in My work on the home page, answers and closes it
    log_in(liaison_page, base, liaison.email, totp_secret=secret)
    liaison_page.goto(f"{base}/")
    my_work = liaison_page.get_by_role("region", name="My work (1 open)")
    expect(my_work).to_contain_text(inquiry.case_number)
    assert_accessible(liaison_page)
    my_work.get_by_role("link", name=f"Inquiry {inquiry.case_number}").click()
    expect(liaison_page.get_by_test_id("member-reference")).to_contain_text(CIN)
    liaison_page.get_by_role("textbox", name="Message").fill(
        "The claims arrived after the interim cut-off; they will be paid in the final run."
    )
    liaison_page.get_by_role("button", name="Send").click()
    expect(liaison_page.get_by_test_id("inquiry-status")).to_have_text("In progress")
    liaison_page.get_by_role("button", name="Mark as the answer and close").first.click()
    expect(liaison_page.get_by_test_id("inquiry-status")).to_have_text("Answered and closed")
    assert_accessible(liaison_page)

    # then: the facility is told (inbox, a link and the case number only) and reads the answer
    sweep_due_notices(now=timezone.now() + datetime.timedelta(minutes=1))
    notice = Notice.objects.get(user=staff, kind="inquiry_message", title__contains="answered")
    assert notice.title == f"Inquiry {inquiry.case_number} has been answered"
    facility_page.goto(f"{base}/")
    answer = facility_page.get_by_test_id("latest-answer")
    expect(answer).to_contain_text("final run")
    assert_accessible(facility_page)
    answer.get_by_role("link").click()
    expect(facility_page.get_by_text("Answered and closed on")).to_be_visible()
    expect(facility_page.get_by_text("Answer", exact=True)).to_be_visible()

    # when: the facility turns it into a dispute
    facility_page.get_by_role("link", name="Turn into a dispute").click()
    assert_accessible(facility_page)
    facility_page.get_by_label("Program year").select_option(index=1)
    facility_page.get_by_label("What do you dispute?").select_option(value="payment_timing")
    facility_page.get_by_role("button", name="Turn into a dispute").click()
    expect(facility_page.get_by_text("made from inquiry")).to_be_visible()

    # then: the dispute is linked, carries the text and the PDF, its clocks not started yet
    dispute = Dispute.objects.get(inquiry=inquiry)
    assert dispute.status == DisputeStatus.DRAFT
    assert "Ten days in March" in dispute.explanation
    assert "final run" in dispute.explanation
    assert list(dispute.attachments.values_list("original_name", flat=True)) == ["remittance.pdf"]
    assert dispute.decision_due is None
    inquiry.refresh_from_db()
    assert inquiry.status == Status.CONVERTED
    # each full view of the member reference was logged (facility twice: after sending and
    # when reading the answer; the liaison once, twice more after posting)
    assert AccessLogEntry.objects.filter(masked=False, facility=facility).count() >= 3
    for journey_page in (facility_page, liaison_page):
        recheck_visited_pages(journey_page)
    # and no member identifier in anything the portal logged
    assert CIN not in caplog.text
    for event in AuditEvent.objects.all():
        assert CIN not in f"{event.target_repr} {event.reason} {event.data}"
    for row in Notice.objects.all():
        assert CIN not in f"{row.title} {row.body}"
