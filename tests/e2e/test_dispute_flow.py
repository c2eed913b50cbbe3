"""Acceptance 1 (disputes): a facility files a bed-day dispute from the drill-down link, the
liaison returns it for information, the facility amends it, the liaison partially overturns it,
a finance approver approves the bed-day adjustment, an analyst starts the supplemental run and
an approver posts it; the facility's dispute page shows the posted amount - in Chromium,
against live_server.

The facility starts on its bed-day drill-down (member IDs masked) and follows the member's
"Dispute these days" link; at the end its payments page lists the posted ledger entry. The
facility's pages are checked with axe-core on the way.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import Browser, LocatorAssertions, Page, expect

from disputes.models import Dispute, Status
from disputes.selectors import dispute_ledger_entries
from portal.models import LiaisonAssignment, Role, User
from tests.disputes.helpers import PDF_BYTES, YEAR, paid_facility
from tests.e2e.helpers import assert_accessible, new_checked_page, recheck_visited_pages
from tests.e2e.test_opt_in_flow import log_in
from tests.factories import FacilityFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _plan_user(role: str, name: str) -> tuple[User, str]:
    user = UserFactory.create(role=role, full_name=name)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def _status(page: Page) -> LocatorAssertions:
    return expect(page.get_by_test_id("dispute-status"))


def test_given_bed_day_dispute_when_returned_amended_overturned_and_paid_then_facility_sees_it(
    live_server, browser: Browser, tmp_path: Path, settings
):
    # given: a paid facility (100 days x $20 on the 2025 interim run) with 3 excluded days
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    facility = FacilityFactory.create(name="Sunrise Care Center")
    staff = UserFactory.create(
        role=Role.FACILITY_STAFF, facilities=[facility], full_name="Sam Staff"
    )
    liaison, liaison_secret = _plan_user(Role.LTSS_LIAISON, "Lee Liaison")
    analyst, analyst_secret = _plan_user(Role.FINANCE_ANALYST, "Ann Analyst")
    approver, approver_secret = _plan_user(Role.FINANCE_APPROVER, "Abe Approver")
    LiaisonAssignment.objects.create(facility=facility, liaison=liaison)
    paid = paid_facility(facility, analyst=analyst, approver=approver)
    paid_at = paid.run.posted_at
    assert paid_at is not None
    evidence = tmp_path / "remittance.pdf"
    evidence.write_bytes(PDF_BYTES)
    base = live_server.url
    facility_page = new_checked_page(browser)
    liaison_page = new_checked_page(browser)
    approver_page = new_checked_page(browser)
    analyst_page = new_checked_page(browser)

    # when: the facility files a bed-day dispute for the member's excluded days
    log_in(facility_page, base, staff.email)
    facility_page.goto(f"{base}/payments/bed-days/facility/{facility.pk}/?year={YEAR}")
    expect(facility_page.get_by_role("cell", name="**********2345", exact=True)).to_be_visible()
    assert_accessible(facility_page)
    facility_page.get_by_role("link", name="Dispute these days of member **********2345").click()
    expect(facility_page.get_by_test_id("prefill")).to_contain_text("•••2345")
    assert_accessible(facility_page)
    facility_page.get_by_role("button", name="Start draft").click()
    facility_page.get_by_label("Report or other reference").fill("PY3 interim report")
    facility_page.get_by_label("Date of the plan's action").fill(paid_at.date().isoformat())
    facility_page.get_by_label("What is wrong and why").fill("These three days were paid.")
    facility_page.get_by_label("Amount you believe is owed").fill("60.00")
    facility_page.get_by_role("button", name="Submit dispute").click()
    _status(facility_page).to_have_text("Acknowledged")
    dispute = Dispute.objects.get(facility=facility)

    # when: the liaison returns it for more information
    log_in(liaison_page, base, liaison.email, totp_secret=liaison_secret)
    liaison_page.goto(f"{base}/disputes/cases/")
    liaison_page.get_by_role("link", name=f"{dispute.reference} Sunrise Care Center").click()
    liaison_page.get_by_label("What is missing").fill("Attach the remittance advice.")
    liaison_page.get_by_role("button", name="Return for information").click()
    _status(liaison_page).to_have_text("Returned for more information")

    # when: the facility amends it with the document
    facility_page.reload()
    expect(facility_page.get_by_text("Attach the remittance advice.").first).to_be_visible()
    facility_page.get_by_role("link", name="Amend the dispute").click()
    facility_page.get_by_label("File (PDF, PNG or JPEG)").set_input_files(str(evidence))
    facility_page.get_by_role("button", name="Upload").click()
    expect(facility_page.get_by_role("link", name="remittance.pdf")).to_be_visible()
    facility_page.get_by_role("button", name="Send amended dispute").click()
    _status(facility_page).to_have_text("Amended")

    # when: the liaison partially overturns it (2 of the 3 days)
    liaison_page.reload()
    liaison_page.get_by_role("button", name="Start review").click()
    liaison_page.get_by_role("link", name="Issue determination").click()
    liaison_page.get_by_label("Partially overturned", exact=True).check()
    liaison_page.get_by_label("Written reasoning").fill(
        "Two days were paid; one is a discharge day."
    )
    liaison_page.get_by_label("Amount owed to the facility").fill("40.00")
    liaison_page.get_by_label("Bed days to add").fill("2")
    liaison_page.get_by_role("button", name="Issue determination").click()
    _status(liaison_page).to_have_text("Determined")

    # when: finance approves the adjustment, an analyst starts the run, an approver posts it
    log_in(approver_page, base, approver.email, totp_secret=approver_secret)
    approver_page.goto(f"{base}/disputes/outcomes/")
    approver_page.get_by_role("button", name=f"Approve adjustment for {dispute.reference}").click()
    log_in(analyst_page, base, analyst.email, totp_secret=analyst_secret)
    analyst_page.goto(f"{base}/disputes/outcomes/")
    analyst_page.get_by_role(
        "button", name=f"Start supplemental run for {dispute.reference}"
    ).click()
    expect(analyst_page.get_by_text("Awaiting another finance approver")).to_be_visible()
    approver_page.reload()
    approver_page.get_by_role("button", name="Approve and post run").click()
    expect(approver_page.get_by_text("approved and posted to the ledger")).to_be_visible()

    # then: the facility sees the determination, the letter and the posted difference
    facility_page.goto(f"{base}{dispute.get_absolute_url()}")
    expect(facility_page.get_by_test_id("outcome")).to_have_text("Partially overturned")
    expect(facility_page.get_by_role("link", name="Determination letter (PDF)")).to_be_visible()
    expect(facility_page.get_by_test_id("posted")).to_contain_text("$40.00")
    assert_accessible(facility_page)
    facility_page.goto(f"{base}/payments/facilities/{facility.npi}/")
    expect(facility_page.get_by_role("cell", name="40.00").first).to_be_visible()
    assert_accessible(facility_page)
    dispute.refresh_from_db()
    assert dispute.status == Status.DETERMINED
    assert [e.amount for e in dispute_ledger_entries(dispute)] == [Decimal("40.00")]
    assert list(dispute.events.values_list("action", flat=True)) == [
        "draft_created",
        "edited",
        "submitted",
        "acknowledged",
        "returned",
        "attachment_added",
        "edited",
        "amended",
        "review_started",
        "determined",
        "adjustment_approved",
        "supplemental_run_started",
        "payment_posted",
    ]
    # and every page the four users saw passes axe-core (WCAG 2.1 A/AA)
    for journey_page in (facility_page, liaison_page, approver_page, analyst_page):
        recheck_visited_pages(journey_page)
