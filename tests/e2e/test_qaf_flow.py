"""The QAF in the browser: a facility administrator declares March 2024 (3,400 resident days,
300 Medicare), sees the fee ($63,829.00) and the due date (30 April 2024), downloads the PDF
statement and records the payment. Every page is checked with axe-core (WCAG 2.1 A/AA).
With ``--screenshots`` the pages are saved to docs/screenshots/ (README tour)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, follow_nav_link, visit

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_given_facility_admin_when_declaring_a_month_then_fee_statement_and_payment(
    page, live_server, login, e2e_world, request
):  # type: ignore[no-untyped-def]
    save = bool(request.config.getoption("--screenshots", default=False))

    def shoot(name: str) -> None:
        if save:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=str(SCREENSHOTS / f"facility_admin-qaf-{name}.png"), full_page=True
            )

    # given
    login("facility_admin")
    follow_nav_link(page, "Quality Assurance Fee", "Monthly fees")
    assert_accessible(page)
    page.get_by_role("link", name=e2e_world.facility.name).click()
    assert_accessible(page)
    page.get_by_role("link", name="Declare a month").click()
    assert_accessible(page)
    # when
    page.get_by_label("Month (YYYY-MM)").fill("2024-03")
    page.get_by_label("Total resident days").fill("3400")
    page.get_by_label("Medicare days").fill("300")
    shoot("declare")
    page.get_by_role("button", name="Declare and compute the fee").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    # then: the fee and the due date
    expect(page.get_by_test_id("fee")).to_have_text("$63,829.00")
    expect(page.get_by_test_id("due")).to_have_text("30 April 2024")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF").click()
    pdf_path = download_info.value.path()
    assert Path(pdf_path).read_bytes().startswith(b"%PDF")
    # when: the payment is recorded
    page.get_by_label("Date paid").fill("2024-04-29")
    page.get_by_label("Amount ($)").fill("63829.00")
    page.get_by_label("How it was paid").select_option("eft")
    page.get_by_label("EFT trace or check number").fill("EFT-2024-0429")
    page.get_by_role("button", name="Record payment").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    # then
    expect(page.get_by_test_id("balance")).to_have_text("$0.00")
    expect(page.get_by_role("cell", name="EFT-2024-0429")).to_be_visible()
    shoot("month")
    visit(page, live_server.url + f"/qaf/facility/{e2e_world.facility.pk}/")
    expect(page.get_by_role("cell", name="Paid", exact=True)).to_be_visible()
    shoot("months")
