"""IPP in the browser: a SNF's administrator applies for an IPP-funded investment (budget lines
and a PDF), the plan's program administrator awards it with a reason, a finance analyst starts
the award payment run in the browser (the test runs the worker's part, computing the queued
draft) and a finance approver (a second person) approves and posts it to the ledger. The
public page and its feedback form are used without signing in. Every page is checked with
axe-core (WCAG 2.1 A/AA); with ``--screenshots`` pages go to docs/screenshots/."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    LoginUser,
    assert_accessible,
    follow_nav_link,
    login_as,
    new_checked_page,
    recheck_visited_pages,
    visit,
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _year() -> None:
    from programs.ipp.models import IppProgramYear

    IppProgramYear.objects.create(
        number=3,
        label="PY3 (Jan-Jun 2024)",
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2024, 6, 30),
    )


def _user(world, role: str) -> LoginUser:  # type: ignore[no-untyped-def]
    return LoginUser(
        email=world.users[role].email,
        password=world.password,
        totp_secret=world.totp_secrets.get(role, ""),
    )


def test_provider_applies_plan_awards_two_people_post_and_public_feedback(
    page, live_server, login, e2e_world, browser, request, settings, tmp_path
):  # type: ignore[no-untyped-def]
    from payments.models import LedgerEntry, PaymentRun
    from programs.ipp.models import IppApplication, IppFeedback

    save = bool(request.config.getoption("--screenshots", default=False))

    def shoot(tab: Page, name: str) -> None:
        if save:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(SCREENSHOTS / f"ipp-{name}.png"), full_page=True)

    _year()
    quote = tmp_path / "quote.pdf"
    quote.write_bytes(PDF)
    # a provider applies
    login("facility_admin")
    follow_nav_link(page, "IPP", "IPP investments")
    assert_accessible(page)
    page.get_by_role("link", name="Apply for an investment").click()
    assert_accessible(page)
    page.get_by_label("Organisation").select_option(str(e2e_world.facility.pk))
    page.get_by_label("Investment").fill("Care-management software")
    page.get_by_label("What it builds and for whom").fill("Transitions of care for ECM members")
    page.get_by_label("Priority area").select_option("1")
    page.get_by_label("Budget line 1").fill("Licence, 2 years")
    page.get_by_label("Amount 1 ($)").fill("36000")
    page.get_by_label("Budget line 2 (optional)").fill("Staff training")
    page.get_by_label("Amount 2 ($)").fill("9500")
    page.get_by_label("Supporting document (PDF, optional)").set_input_files(str(quote))
    shoot(page, "apply")
    page.get_by_role("button", name="Send the application").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    expect(page.get_by_test_id("status")).to_have_text("Submitted")
    application = IppApplication.objects.get()
    assert application.requested == Decimal("45500.00")

    # the plan's program administrator awards it
    admin_page = new_checked_page(browser)
    login_as(admin_page, _user(e2e_world, "program_admin"), base_url=live_server.url)
    follow_nav_link(admin_page, "IPP", "Investment applications")
    assert_accessible(admin_page)
    admin_page.get_by_role("link", name=f"#{application.pk}").click()
    assert_accessible(admin_page)
    admin_page.get_by_role("radio", name="Award").check()
    admin_page.get_by_label("Amount awarded ($)").fill("40000")
    admin_page.get_by_label("Reason").fill("Fills the transitions gap of the Gap-Filling Plan")
    admin_page.get_by_role("button", name="Record the decision").click()
    admin_page.wait_for_load_state("load")
    assert_accessible(admin_page)
    expect(admin_page.get_by_test_id("status")).to_have_text("Awarded")
    shoot(admin_page, "application-awarded")
    recheck_visited_pages(admin_page)

    # a finance analyst starts the award run; a finance approver approves and posts it
    from portal.jobs.services import run_job

    analyst = new_checked_page(browser)
    login_as(analyst, _user(e2e_world, "finance_analyst"), base_url=live_server.url)
    visit(analyst, live_server.url + "/payments/runs/")
    analyst.get_by_label("Program year").select_option("2024")
    analyst.get_by_label("Program and kind of run").select_option("ipp:award")
    analyst.get_by_role("button", name="Start payment run").click()
    analyst.wait_for_load_state("load")
    assert_accessible(analyst)
    run = PaymentRun.objects.get(program="ipp")
    if run.status == PaymentRun.Status.QUEUED:  # the worker's part: compute the draft
        assert run.job_id is not None
        run_job(job_id=run.job_id)
        run.refresh_from_db()
    assert run.status == PaymentRun.Status.DRAFT
    assert run.started_by_id == e2e_world.users["finance_analyst"].pk
    recheck_visited_pages(analyst)
    approver = new_checked_page(browser)
    login_as(approver, _user(e2e_world, "finance_approver"), base_url=live_server.url)
    visit(approver, live_server.url + f"/payments/runs/{run.pk}/")
    approver.get_by_role("link", name="Review and approve").click()
    visit(approver, approver.url)
    approver.get_by_label("I have checked the draft").check()
    approver.get_by_role("button", name="Approve and post").click()
    visit(approver, approver.url)
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.POSTED
    assert run.started_by_id != run.approved_by_id
    entry = LedgerEntry.objects.get(program="ipp")
    assert (entry.facility_id, entry.amount) == (e2e_world.facility.pk, Decimal("40000.00"))
    recheck_visited_pages(approver)

    # the public page, no sign-in: documents and the feedback form
    from django.core.files.uploadedfile import SimpleUploadedFile

    from programs.ipp.models import IppProgramYear
    from programs.ipp.services.public import publish_document

    publish_document(
        program_year=IppProgramYear.objects.get(number=3),
        county="Alameda",
        kind="gap_filling_plan",
        approved_on=datetime.date(2024, 2, 1),
        upload=SimpleUploadedFile("gfp.pdf", PDF, content_type="application/pdf"),
        actor=e2e_world.users["program_admin"],
    )
    settings.IPP_FEEDBACK_MIN_SECONDS = 0
    public = new_checked_page(browser)
    visit(public, live_server.url + "/ipp/public/")
    with public.expect_download() as download:
        public.get_by_role("link", name="Gap-Filling Plan, PY3 (Jan-Jun 2024)").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    expect(public.get_by_role("heading", level=1)).to_have_text("CalAIM Incentive Payment Program")
    public.get_by_label("County (optional)").fill("Alameda")
    public.get_by_label("Your feedback").fill("More recuperative care beds, please.")
    shoot(public, "public")
    public.get_by_role("button", name="Send feedback").click()
    public.wait_for_load_state("load")
    assert_accessible(public)
    expect(public.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert IppFeedback.objects.get().county == "Alameda"
    recheck_visited_pages(public)
