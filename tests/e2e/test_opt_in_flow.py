"""Acceptance 1: a facility administrator opts in with a W-9, the liaison returns the form,
the facility corrects it and the liaison approves it - in Chromium, against live_server."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from playwright.sync_api import Browser, Page, expect

from portal.models import Role
from programs.wqip.models import OptIn
from tests.e2e.helpers import new_checked_page, recheck_visited_pages
from tests.factories import TEST_PASSWORD, FacilityFactory, UserFactory
from tests.programs.wqip.opt_in_helpers import (
    PDF_BYTES,
    open_window,
    program_year,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def log_in(page: Page, base_url: str, email: str, totp_secret: str | None = None) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', TEST_PASSWORD)
    page.press('input[name="password"]', "Enter")
    if totp_secret is not None:
        page.wait_for_url("**/2fa/authenticate/**")
        page.fill('input[name="code"]', totp_now(totp_secret))
        page.press('input[name="code"]', "Enter")
    page.wait_for_url(lambda url: "/accounts/" not in url)


def save_and_continue(page: Page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def test_given_facility_admin_and_liaison_when_opt_in_returned_corrected_and_approved(
    live_server, browser: Browser, tmp_path: Path, settings
):
    # given
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    open_window(program_year(2026))
    facility = FacilityFactory.create(name="Sunrise Care Center")
    admin = UserFactory.create(
        role=Role.FACILITY_ADMIN, facilities=[facility], full_name="Ana Reyes"
    )
    liaison = UserFactory.create(role=Role.LTSS_LIAISON)
    secret = generate_totp_secret()
    TOTP.activate(liaison, secret)
    w9 = tmp_path / "W-9 Sunrise.pdf"
    w9.write_bytes(PDF_BYTES)
    base = live_server.url
    facility_page = new_checked_page(browser)
    liaison_page = new_checked_page(browser)

    # when: the administrator fills in and submits the form
    log_in(facility_page, base, admin.email)
    facility_page.goto(f"{base}/opt-ins/")
    facility_page.get_by_role("link", name="Start PY4 opt-in").click()
    facility_page.get_by_role("button", name="Start draft").click()
    facility_page.get_by_label("Full name").fill("Ana Reyes")
    facility_page.get_by_label("Job title").fill("Administrator")
    facility_page.get_by_label("E-mail address").fill("ana@example.test")
    facility_page.get_by_label("Phone number").fill("555-0100")
    save_and_continue(facility_page)
    facility_page.get_by_label("Payee legal name").fill("Sunrise Care LLC")
    facility_page.get_by_label("Payee TIN").fill("12-3456789")
    facility_page.get_by_label("Remittance address").fill("1 Main St, Fresno CA 93701")
    facility_page.get_by_label("Remittance contact name").fill("Bo Lee")
    facility_page.get_by_label("Remittance contact e-mail").fill("bo@example.test")
    save_and_continue(facility_page)
    facility_page.get_by_label("Contact 1 name").fill("Cy Ko")
    facility_page.get_by_label("Contact 1 e-mail").fill("cy@example.test")
    save_and_continue(facility_page)
    facility_page.get_by_label("Document type").select_option("w9")
    facility_page.get_by_label("File").set_input_files(str(w9))
    facility_page.get_by_role("button", name="Upload").click()
    expect(facility_page.get_by_role("link", name="W-9 Sunrise.pdf")).to_be_visible()
    facility_page.get_by_role("link", name="Continue to acknowledgements").click()
    facility_page.get_by_label("I acknowledge the WQIP program terms").check()
    facility_page.get_by_label("first informational webinar").fill("2026-05-01")
    facility_page.get_by_label("second informational webinar").fill("2026-06-01")
    save_and_continue(facility_page)
    facility_page.get_by_label("I accept the attestation").check()
    facility_page.get_by_label("Type your full name to sign").fill("Ana Reyes")
    facility_page.get_by_role("button", name="Sign and submit").click()
    expect(facility_page.get_by_test_id("opt-in-status")).to_have_text("Submitted")

    # when: the liaison returns it for correction
    log_in(liaison_page, base, liaison.email, totp_secret=secret)
    liaison_page.goto(f"{base}/opt-ins/review/")
    liaison_page.get_by_role("link", name="Review Sunrise Care Center").click()
    liaison_page.get_by_role("button", name="Start review").click()
    liaison_page.get_by_label("Return for correction").check()
    liaison_page.get_by_label("Comments or reason").fill("The TIN does not match the W-9.")
    liaison_page.get_by_role("button", name="Record decision").click()
    expect(liaison_page.get_by_test_id("opt-in-status")).to_have_text("Returned for correction")

    # when: the facility corrects and resubmits
    facility_page.reload()
    expect(facility_page.get_by_text("The TIN does not match the W-9.").first).to_be_visible()
    facility_page.get_by_role("link", name="Edit the form").click()
    facility_page.get_by_role("link", name="2. Payee and remittance").click()
    facility_page.get_by_label("Payee TIN").fill("987654321")
    save_and_continue(facility_page)
    facility_page.get_by_role("link", name="Review and submit").click()
    facility_page.get_by_label("I accept the attestation").check()
    facility_page.get_by_label("Type your full name to sign").fill("Ana Reyes")
    facility_page.get_by_role("button", name="Sign and submit").click()
    expect(facility_page.get_by_test_id("opt-in-status")).to_have_text("Submitted")

    # when: the liaison approves
    liaison_page.reload()
    liaison_page.get_by_role("button", name="Start review").click()
    liaison_page.get_by_label("Approve").check()
    liaison_page.get_by_role("button", name="Record decision").click()

    # then
    expect(liaison_page.get_by_test_id("opt-in-status")).to_have_text("Approved")
    opt_in = OptIn.objects.get(facility=facility, program_year__year=2026)
    assert opt_in.status == OptIn.Status.APPROVED
    assert opt_in.versions.get().payee_tin == "987654321"
    assert list(opt_in.transitions.values_list("to_status", flat=True)) == [
        "draft",
        "submitted",
        "under_review",
        "returned",
        "submitted",
        "under_review",
        "approved",
    ]
    # and every page both users saw passes axe-core (WCAG 2.1 A/AA)
    for journey_page in (facility_page, liaison_page):
        recheck_visited_pages(journey_page)
