"""ECM QIP payments in the browser: a finance analyst starts the interim run in the browser
(the test runs the worker's part, computing the queued draft) and a finance approver, a
second person, approves and posts it; after a lowering resubmission a supplemental run
recoups. The ECM provider administrator opens their payments page (both lines, the
recoupment, the balance), the PDF statement and the ledger (their own organisation only).
axe-core on every page; with ``--screenshots`` the provider's payments page goes to
docs/screenshots/."""

from __future__ import annotations

import datetime
from pathlib import Path

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


def test_ecm_provider_sees_its_payment_and_recoupment(
    page, live_server, e2e_world, monkeypatch, browser, request
):
    from payments.models import PaymentRun
    from payments.services import approve_payment_run, start_payment_run
    from programs.ecm.reminders import produce_scores
    from programs.ecm.services import intake
    from programs.ecm.services.settings import create_year
    from tests.programs.ecm.factories import pacific, rtf_content

    world = e2e_world
    provider, user = world.ecm_provider_a, world.users["ecm_provider_admin"]
    year = create_year(year=2026, actor=world.users["program_admin"])

    def send(month: int, members: int, at: datetime.datetime) -> None:
        monkeypatch.setattr(intake, "now", lambda: at)
        intake.accept_report(
            provider=provider,
            measurement_year=year,
            month=month,
            kind="rtf",
            content=rtf_content(provider, 2026, month, members),
            file_name=f"rtf_2026_{month:02d}.csv",
            actor=user,
        )

    def run(kind: str) -> PaymentRun:
        draft = start_payment_run(
            program="ecm", program_year=2026, kind=kind, started_by=world.users["finance_analyst"]
        )
        approve_payment_run(run=draft, approver=world.users["finance_approver"])
        return draft

    def staff(role: str) -> LoginUser:
        return LoginUser(
            email=world.users[role].email,
            password=world.password,
            totp_secret=world.totp_secrets.get(role, ""),
        )

    for month in (1, 2, 3):
        send(month, 40, pacific(2026, month + 1, 8))
    produce_scores(datetime.date(2026, 4, 11))

    # the interim run: started by the analyst, approved and posted by the approver, in the browser
    from portal.jobs.services import run_job

    analyst = new_checked_page(browser)
    login_as(analyst, staff("finance_analyst"), base_url=live_server.url)
    visit(analyst, live_server.url + "/payments/runs/")
    analyst.get_by_label("Program year").select_option("2026")
    analyst.get_by_label("Program and kind of run").select_option("ecm:interim")
    analyst.get_by_role("button", name="Start payment run").click()
    analyst.wait_for_load_state("load")
    assert_accessible(analyst)
    interim = PaymentRun.objects.get(program="ecm")
    if interim.status == PaymentRun.Status.QUEUED:  # the worker's part: compute the draft
        assert interim.job_id is not None
        run_job(job_id=interim.job_id)
        interim.refresh_from_db()
    assert interim.status == PaymentRun.Status.DRAFT
    recheck_visited_pages(analyst)
    approver = new_checked_page(browser)
    login_as(approver, staff("finance_approver"), base_url=live_server.url)
    visit(approver, live_server.url + f"/payments/runs/{interim.pk}/")
    approver.get_by_role("link", name="Review and approve").click()
    visit(approver, approver.url)
    expect(approver.get_by_role("cell", name="$570.00").first).to_be_visible()
    approver.get_by_label("I have checked the draft").check()
    approver.get_by_role("button", name="Approve and post").click()
    visit(approver, approver.url)
    interim.refresh_from_db()
    assert interim.status == PaymentRun.Status.POSTED
    assert interim.approved_by_id != interim.started_by_id
    recheck_visited_pages(approver)

    send(3, 21, pacific(2026, 4, 20))
    supplemental = run("supplemental")  # -$95.00

    login_as(page, LoginUser(email=user.email, password=world.password), base_url=live_server.url)
    visit(page, f"{live_server.url}/payments/facilities/{provider.npi}/")
    expect(page.get_by_role("heading", name=f"Payments: {provider.name}")).to_be_visible()
    expect(page.get_by_text("Ledger balance for 2026: $475.00.")).to_be_visible()
    expect(page.get_by_role("cell", name="$570.00").first).to_be_visible()
    expect(page.get_by_role("cell", name="\u2212$95.00 (recoupment)")).to_be_visible()
    if request.config.getoption("--screenshots", default=False):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "ecm-provider-payments.png"), full_page=True)
    # the run's own id: sequences survive the flush between transactional tests, so an
    # earlier test's runs (any file, any order) move it on
    link = page.get_by_role("link", name=f"PDF statement for run {supplemental.pk}")
    pdf = link.get_attribute("href")
    statement = page.request.get(f"{live_server.url}{pdf}")
    assert (statement.status, statement.headers["content-type"]) == (200, "application/pdf")
    visit(page, f"{live_server.url}/payments/ledger/")
    expect(page.get_by_role("link", name=provider.name)).to_be_visible()
    expect(page.get_by_text(world.ecm_provider_b.name)).to_have_count(0)
