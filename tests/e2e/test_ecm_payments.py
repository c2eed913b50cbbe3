"""ECM QIP payments in the browser: after a posted run and a recoupment, the ECM provider
administrator opens their payments page (both lines, the recoupment, the balance) and the
ledger (their own organisation only); axe-core on every page."""

from __future__ import annotations

import datetime

from playwright.sync_api import expect

from tests.e2e.helpers import LoginUser, login_as, visit


def test_ecm_provider_sees_its_payment_and_recoupment(page, live_server, e2e_world, monkeypatch):
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

    for month in (1, 2, 3):
        send(month, 40, pacific(2026, month + 1, 8))
    produce_scores(datetime.date(2026, 4, 11))
    run("interim")  # $570.00
    send(3, 21, pacific(2026, 4, 20))
    supplemental = run("supplemental")  # -$95.00

    login_as(page, LoginUser(email=user.email, password=world.password), base_url=live_server.url)
    visit(page, f"{live_server.url}/payments/facilities/{provider.npi}/")
    expect(page.get_by_role("heading", name=f"Payments: {provider.name}")).to_be_visible()
    expect(page.get_by_text("Ledger balance for 2026: $475.00.")).to_be_visible()
    expect(page.get_by_role("cell", name="$570.00").first).to_be_visible()
    expect(page.get_by_role("cell", name="\u2212$95.00 (recoupment)")).to_be_visible()
    # the run's own id: sequences survive the flush between transactional tests, so an
    # earlier test's runs (any file, any order) move it on
    link = page.get_by_role("link", name=f"PDF statement for run {supplemental.pk}")
    pdf = link.get_attribute("href")
    statement = page.request.get(f"{live_server.url}{pdf}")
    assert (statement.status, statement.headers["content-type"]) == (200, "application/pdf")
    visit(page, f"{live_server.url}/payments/ledger/")
    expect(page.get_by_role("link", name=provider.name)).to_be_visible()
    expect(page.get_by_text(world.ecm_provider_b.name)).to_have_count(0)
