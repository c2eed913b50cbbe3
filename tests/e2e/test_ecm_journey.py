"""ECM QIP in the browser: an ECM provider administrator sends February's RTF late, a defective
March RTF (refused, line and column named), then March's RTF on time; the dashboard shows the
late month and what it cost, the file's rows show masked CINs; the plan's ECM program manager
sees every provider, sorts and opens the settings. axe-core on every page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    LoginUser,
    assert_accessible,
    login_as,
    new_checked_page,
    recheck_visited_pages,
    visit,
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _send(page, path: Path, month: str) -> None:
    page.get_by_label("Measurement year").select_option("2026")
    page.get_by_label("Reporting month").select_option(label=month)
    page.get_by_label("Return Transmission File (RTF)").check()
    page.get_by_label("CSV or Excel file").set_input_files(str(path))
    page.get_by_role("button", name="Check and send").click()
    page.wait_for_load_state("load")
    assert_accessible(page)


def test_ecm_provider_sends_late_and_on_time_and_the_plan_sees_it(
    page, live_server, e2e_world, monkeypatch, tmp_path, browser, request
):
    from programs.ecm.intake import samples
    from programs.ecm.services import intake
    from programs.ecm.services.settings import create_year
    from tests.programs.ecm.factories import pacific, rtf_content

    world = e2e_world
    # the README tour's PNGs are written only by ``make screenshots`` (--screenshots)
    shots = request.config.getoption("--screenshots", default=False) and SCREENSHOTS.is_dir()
    create_year(year=2026, actor=world.users["ecm_program_manager"])
    provider = world.ecm_provider_a
    february = tmp_path / "rtf_2026_02.csv"
    february.write_bytes(rtf_content(provider, 2026, 2, 12))
    march = tmp_path / "rtf_2026_03.csv"
    march.write_bytes(rtf_content(provider, 2026, 3, 12))
    rows = samples.rtf_rows(
        year=2026,
        month=3,
        npi=provider.npi,
        tin=provider.tin,
        provider_name=provider.name,
        members=3,
    )
    rows[1]["ECM Enrollment Start Date"] = "soon"
    broken = tmp_path / "rtf_2026_03_broken.csv"
    broken.write_bytes(samples.to_csv("rtf", rows))

    user = world.users["ecm_provider_admin"]
    login_as(page, LoginUser(email=user.email, password=world.password), base_url=live_server.url)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Scores and files").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    page.get_by_role("link", name="Send a file").click()
    page.wait_for_load_state("load")
    assert_accessible(page)

    # February's RTF, received 12 March: two days late
    monkeypatch.setattr(intake, "now", lambda: pacific(2026, 3, 12, 9))
    _send(page, february, "February")
    expect(page.get_by_text("accepted: 12 rows, received late")).to_be_visible()

    # a defective March file: refused, nothing stored
    monkeypatch.setattr(intake, "now", lambda: pacific(2026, 4, 9, 9))
    page.get_by_role("link", name="Send a file").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    _send(page, broken, "March")
    expect(
        page.get_by_text("line 3, column ECM Enrollment Start Date: 'soon' is not a date")
    ).to_be_visible()
    expect(page.get_by_text("Nothing was stored")).to_be_visible()

    # March's RTF on time
    _send(page, march, "March")
    expect(page.get_by_text("received on time")).to_be_visible()
    expect(page.get_by_role("cell", name="*****001B", exact=True)).to_be_visible()
    expect(page.get_by_text("00100001B")).to_have_count(0)
    page.get_by_role("link", name=f"All files of {provider.name}").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    page.get_by_role("link", name="Scores", exact=True).click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    expect(page.get_by_role("row", name="February").get_by_text("Late (2 days)")).to_be_visible()
    expect(page.get_by_text("in 1 late month")).to_be_visible()
    if shots:
        page.screenshot(path=str(SCREENSHOTS / "ecm-provider-dashboard.png"), full_page=True)

    # the plan's ECM program manager
    manager = world.users["ecm_program_manager"]
    plan = new_checked_page(browser)
    login_as(
        plan,
        LoginUser(
            email=manager.email,
            password=world.password,
            totp_secret=world.totp_secrets["ecm_program_manager"],
        ),
        base_url=live_server.url,
    )
    visit(plan, live_server.url + "/ecm/providers/")
    expect(plan.get_by_role("link", name=provider.name)).to_be_visible()
    plan.get_by_role("link", name="Late months").click()
    plan.wait_for_load_state("load")
    assert_accessible(plan)
    expect(plan.get_by_role("columnheader", name="Late months")).to_have_attribute(
        "aria-sort", "ascending"
    )
    if shots:
        plan.screenshot(path=str(SCREENSHOTS / "ecm-plan-dashboard.png"), full_page=True)
    visit(plan, live_server.url + "/ecm/settings/")
    visit(plan, live_server.url + "/ecm/settings/2026/")
    recheck_visited_pages(plan)


pytestmark = pytest.mark.e2e
