"""Issue 24, acceptance 4: the finance analyst uploads the CDPH listing (with its crosswalk and
bed types), reviews what it would change and applies it - in Chromium, every page checked with
axe-core. With ``--screenshots`` the review page is saved for the README tour."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.models import Facility, RegistryImport
from tests.e2e.helpers import assert_accessible, follow_nav_link
from tests.portal.test_state_files import bed_rows, crosswalk_rows, listing_rows
from tests.state_files import BED_TYPES, CROSSWALK, LISTING_VINTAGES, write_table

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = [pytest.mark.e2e]


def test_given_analyst_when_uploads_listing_reviews_and_applies_then_registry_updated(
    login, tmp_path, request
):
    # given
    listing = write_table(tmp_path / "listing.xlsx", LISTING_VINTAGES["2026"], listing_rows())
    crosswalk = write_table(tmp_path / "crosswalk.csv", CROSSWALK, crosswalk_rows())
    beds = write_table(tmp_path / "bed_types.csv", BED_TYPES, bed_rows())
    page = login("finance_analyst")
    # when: the analyst opens the registry updates and uploads the three files
    follow_nav_link(page, "Admin", "Registry updates")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Registry updates from the state's files"
    )
    assert_accessible(page)
    page.get_by_label("Licensed and Certified Healthcare Facility Listing").set_input_files(
        str(listing)
    )
    page.get_by_label("Crosswalk: FACID, HCAI ID, CCN, NPI (optional)").set_input_files(
        str(crosswalk)
    )
    page.get_by_label("Bed types and counts (optional)").set_input_files(str(beds))
    page.get_by_role("button", name="Read the files and show the changes").click()
    page.wait_for_load_state("load")
    # then: the review, nothing changed yet
    expect(page.get_by_role("heading", level=1)).to_contain_text("waiting for review")
    assert_accessible(page)
    table = page.get_by_role("table")
    expect(table.get_by_role("row", name="VALLEY STP CENTER")).to_contain_text("STP beds: 40")
    expect(page.get_by_role("link", name="New facility (3)")).to_be_visible()
    expect(page.get_by_text("OAK ICF HOME (FACID 110000123, listing line 4)")).to_be_visible()
    assert Facility.objects.count() == 2
    if request.config.getoption("--screenshots"):
        page.screenshot(
            path=str(SCREENSHOTS / "finance_analyst-registry-update.png"), full_page=True
        )
    # when: only the eligibility changes, then apply
    page.get_by_role("link", name="Not in the listing any more (2)").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    expect(table.get_by_role("row")).to_have_count(3)  # header + the world's two facilities
    page.get_by_role("button", name="Apply these changes").click()
    page.wait_for_load_state("load")
    # then
    expect(page.get_by_role("heading", level=1)).to_contain_text("applied")
    expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_contain_text(
        "Applied: 3 new"
    )
    assert_accessible(page)
    assert Facility.objects.count() == 5
    assert RegistryImport.objects.get().status == "applied"
    valley = Facility.objects.get(cdph_facid="930000101")
    assert (valley.stp_beds, valley.is_wqip_eligible) == (40, False)


def test_given_program_admin_when_sets_address_and_imports_fetched_file_then_pages_accessible(
    login, e2e_world, live_server, settings, tmp_path
):
    # given: a fetched enforcement file waiting (our citations.csv layout, one registry row)
    from django.core.files.base import ContentFile

    from portal.models import FetchedStateFile, StateFileAddress
    from programs.wqip.models import Citation

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    body = (
        "FACID,PENALTY_NUMBER,PENALTY_ISSUE_DATE,VIOLATION_FROM_DATE,CLASS_ASSESSED_INITIAL,"
        f"CLASS_ASSESSED_FINAL\n{e2e_world.facility_a.cdph_facid},9001,2024-05-01,2024-04-01,"
        "AA\t,\n"
    ).encode()
    fetched = FetchedStateFile(
        source="cdph_enforcement",
        name="sea_final.csv",
        size=len(body),
        sha256="0" * 64,
        preview={"created": 1, "updated": 0, "unchanged": 0, "skipped": 0},
    )
    fetched.file.save("e2e.bin", ContentFile(body), save=False)
    fetched.save()
    page = login("program_admin")
    # when: the program admin sets the listing's address
    follow_nav_link(page, "Admin", "Registry updates")
    assert_accessible(page)
    page.get_by_role("link", name="Download addresses for the monthly update").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    listing = page.get_by_role(
        "group", name="CDPH Licensed and Certified Healthcare Facility Listing"
    )
    listing.get_by_label("Download address").fill("https://data.example.test/listing.csv")
    listing.get_by_label("Fetch every month").check()
    page.get_by_role("button", name="Save addresses").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    # then
    assert StateFileAddress.objects.get(source="cdph_listing").is_on
    # when: the fetched file is reviewed and imported
    follow_nav_link(page, "Admin", "Registry updates")
    page.get_by_role("link", name="sea_final.csv").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    page.get_by_role("button", name="Import this file").click()
    page.wait_for_load_state("load")
    # then
    expect(page.get_by_role("heading", level=1)).to_contain_text("imported")
    assert_accessible(page)
    assert Citation.objects.get().class_initial == "AA\t"
