"""Browser journeys on the demo data of ``make run`` (worked-example claims, 2024):

* a facility administrator's dashboard, bed-day report and member drill-down (masked IDs);
* the payment run journey: the demo analyst's final draft is approved by the demo approver
  with a confirmation step, and the facility's payments page then shows the final true-up.

Every page visited is checked with axe-core (WCAG 2.1 A/AA).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.helpers import LoginUser, follow_nav_link, login_as, visit

HARBOR_VIEW_NPI = "1427051986"


@pytest.fixture
def demo(transactional_db, live_server):  # type: ignore[no-untyped-def]
    from portal.demo import DEMO_USERS, load_portal_demo_data
    from programs.wqip.demo import load_wqip_demo_data

    load_portal_demo_data()
    load_wqip_demo_data()
    return {
        d.role: LoginUser(email=d.email, password=d.password, totp_secret=d.totp_secret)
        for d in DEMO_USERS
    }


def test_given_facility_admin_when_opening_bed_days_then_totals_and_masked_drill_down(
    page, live_server, demo
):
    # given
    from portal.models import Facility

    login_as(page, demo["facility_admin"], base_url=live_server.url)
    expect(page.get_by_role("rowheader", name="Harbor View Post-Acute", exact=True)).to_be_visible()
    # when
    follow_nav_link(page, "WQIP", "Bed days")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2024")
    visit(page, page.url)
    page.get_by_role("link", name="Harbor View Post-Acute").click()
    visit(page, page.url)
    # then
    harbor = Facility.objects.get(npi=HARBOR_VIEW_NPI)
    assert page.url.endswith(reverse("wqip:bed_day_facility", args=[harbor.pk]) + "?year=2024")
    expect(page.get_by_role("row", name="qualifying 167")).to_be_visible()
    expect(page.get_by_role("cell", name="*****001A", exact=True)).to_be_visible()
    expect(page.get_by_text("91000001A")).to_have_count(0)


def test_given_final_draft_when_approver_confirms_then_posted_and_facility_sees_true_up(
    page, live_server, demo, browser
):
    # given: the demo analyst started the final run; the demo approver signs in
    from payments.models import PaymentRun

    draft = PaymentRun.objects.get(status=PaymentRun.Status.DRAFT)
    login_as(page, demo["finance_approver"], base_url=live_server.url)
    # when
    follow_nav_link(page, "Payments", "Payment runs")
    visit(page, page.url)
    page.get_by_role("link", name=f"#{draft.pk}").click()
    visit(page, page.url)
    page.get_by_role("link", name="Review and approve").click()
    visit(page, page.url)
    page.get_by_label("I have checked the draft").check()
    page.get_by_role("button", name="Approve and post").click()
    visit(page, page.url)
    # then
    draft.refresh_from_db()
    assert draft.status == PaymentRun.Status.POSTED
    facility_page = browser.new_context(bypass_csp=True).new_page()
    login_as(facility_page, demo["facility_admin"], base_url=live_server.url)
    visit(facility_page, live_server.url + f"/payments/facilities/{HARBOR_VIEW_NPI}/")
    expect(facility_page.get_by_text("41.75").first).to_be_visible()


@pytest.mark.parametrize(
    "role",
    [
        "facility_staff",
        "facility_admin",
        "ltss_liaison",
        "finance_analyst",
        "finance_approver",
        "program_admin",
    ],
)
def test_given_demo_data_of_make_run_when_demo_user_signs_in_then_dashboard(
    page, live_server, demo, role
):
    # when: the printed demo login (TOTP code from the printed secret for plan staff)
    login_as(page, demo[role], base_url=live_server.url)
    # then
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
