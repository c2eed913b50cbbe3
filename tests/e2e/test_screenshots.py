"""``make screenshots``: a PNG of each main page per role in docs/screenshots/ (README tour).

Collected only with ``--screenshots`` (tests/e2e/conftest.py deselects it otherwise). Runs on
the demo data of ``make run``; every page is also checked with axe-core.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from tests.e2e.helpers import LoginUser, assert_accessible, login_as, visit

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
HARBOR_VIEW_NPI = "1427051986"


def _demo_inquiry():  # type: ignore[no-untyped-def]
    """The demo's claims inquiry in progress (a member reference, a reply, an internal note)."""
    from portal.inquiries.models import Inquiry

    return Inquiry.objects.get(subject="March bed days not paid")


def _pages(role: str) -> list[tuple[str, str]]:
    from portal.models import Facility
    from programs.wqip.models import ProgramYear

    facility = Facility.objects.get(npi=HARBOR_VIEW_NPI)
    pages = [
        ("home", reverse("portal:home")),
        ("facilities", reverse("portal:facility_list")),
        ("facility-detail", reverse("portal:facility_detail", args=[facility.pk])),
        ("program-years", reverse("wqip:program_year_list")),
        ("security", reverse("mfa_index")),
    ]
    pages += [
        ("bed-days", reverse("wqip:bed_day_report") + "?year=2024"),
        (
            "bed-days-facility",
            reverse("wqip:bed_day_facility", args=[facility.pk]) + "?year=2024",
        ),
        ("inbox", reverse("portal:inbox")),
    ]
    if role in ("facility_staff", "facility_admin"):
        pages += [
            ("payments", reverse("payments:facility_payments", args=[facility.npi])),
            ("opt-ins", reverse("wqip:opt_in_list")),
            ("disputes", reverse("disputes:dispute_list")),
            ("inquiries", reverse("inquiries:inquiry_list")),
            ("inquiry", reverse("inquiries:inquiry_detail", args=[_demo_inquiry().pk])),
        ]
    if role in ("finance_analyst", "finance_approver", "program_admin"):
        from payments.models import PaymentRun

        draft = PaymentRun.objects.filter(status=PaymentRun.Status.DRAFT).first()
        pages += [
            ("payment-runs", reverse("payments:run_list")),
            ("ledger", reverse("payments:ledger")),
            ("claims-upload", reverse("wqip:claim_upload")),
        ]
        if draft is not None:
            pages.append(("payment-run-draft", reverse("payments:run_detail", args=[draft.pk])))
    if role in ("ltss_liaison", "program_admin"):
        pages += [
            ("opt-in-reviews", reverse("wqip:opt_in_queue")),
            ("dispute-cases", reverse("disputes:queue")),
            ("dispute-sla", reverse("disputes:sla")),
            ("my-work", reverse("cases:my_work")),
            ("inquiries", reverse("inquiries:queue")),
            ("inquiry-sla", reverse("inquiries:sla")),
            ("inquiry", reverse("inquiries:inquiry_detail", args=[_demo_inquiry().pk])),
        ]
    if role == "facility_admin":
        pages += [("users", reverse("portal:user_list")), ("invite", reverse("portal:user_invite"))]
        pages += [
            ("ipp-applications", reverse("ipp:applications")),
            ("ipp-survey", reverse("ipp:survey")),
        ]
    if role in ("finance_analyst", "program_admin"):
        from programs.ipp.models import IppSubmission

        pages += [
            ("ipp-year", reverse("ipp:year", args=[1])),
            (
                "ipp-submission",
                reverse("ipp:submission", args=[IppSubmission.objects.get(code="2-A").pk]),
            ),
            ("ipp-applications", reverse("ipp:applications")),
            ("ipp-caps", reverse("ipp:caps")),
            ("ipp-feedback", reverse("ipp:feedback_list")),
            ("ipp-survey-answers", reverse("ipp:survey")),
        ]
    if role == "program_admin":
        py = ProgramYear.objects.get(year=2026)
        pages.append(("program-year-edit", reverse("wqip:program_year_edit", args=[py.pk])))
    return pages


@pytest.fixture
def demo_data(transactional_db, live_server):  # type: ignore[no-untyped-def]
    from disputes.demo import load_dispute_demo_data
    from portal.demo import load_portal_demo_data
    from portal.inquiries.demo import load_inquiry_demo_data
    from programs.ipp.demo import load_ipp_demo_data
    from programs.wqip.demo import load_wqip_demo_data

    load_portal_demo_data()
    load_inquiry_demo_data()
    load_dispute_demo_data()
    load_wqip_demo_data()
    load_ipp_demo_data()


def shoot(page, name: str, *, full_page: bool = True) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def shoot_open_menu(page, role: str, *, base_url: str) -> Path:  # type: ignore[no-untyped-def]
    """The top bar with the role's first menu open (opened by keyboard), on the home page."""
    visit(page, base_url + reverse("portal:home"))
    button = page.locator("[data-nav-toggle]").first
    button.focus()
    page.keyboard.press("Enter")
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 360})
    shoot(page, f"{role}-nav-menu", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.keyboard.press("Escape")
    return SCREENSHOTS / f"{role}-nav-menu.png"


def test_given_anonymous_when_opening_portal_then_sign_in_page_saved(page, live_server, demo_data):
    # when
    visit(page, live_server.url + reverse("account_login"))
    # then
    shoot(page, "anonymous-sign-in")
    assert (SCREENSHOTS / "anonymous-sign-in.png").stat().st_size > 0


def test_given_anonymous_when_opening_ipp_public_page_then_saved(page, live_server, demo_data):
    # when: the public IPP page (no sign-in), with the demo's published documents
    visit(page, live_server.url + reverse("ipp:public"))
    # then
    shoot(page, "anonymous-ipp-public")
    assert (SCREENSHOTS / "anonymous-ipp-public.png").stat().st_size > 0


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
def test_given_demo_role_when_visiting_main_pages_then_screenshots_saved(
    page, live_server, demo_data, role
):
    # given
    from portal.demo import DEMO_USERS

    demo = next(d for d in DEMO_USERS if d.role == role)
    login_as(
        page,
        LoginUser(email=demo.email, password=demo.password, totp_secret=demo.totp_secret),
        base_url=live_server.url,
    )
    saved = []
    # when
    for name, path in _pages(role):
        visit(page, live_server.url + path)
        shoot(page, f"{role}-{name}")
        saved.append(SCREENSHOTS / f"{role}-{name}.png")
    saved.append(shoot_open_menu(page, role, base_url=live_server.url))
    # then
    assert all(p.stat().st_size > 0 for p in saved)


def test_given_jobs_when_finance_opens_jobs_page_then_screenshot_saved(
    page, live_server, demo_data
):
    # given: a finished, a running and a failed job (as their rows look mid-day)
    from portal.demo import DEMO_USERS
    from portal.models import User
    from tests.e2e.test_jobs_page import sample_jobs

    demo = next(d for d in DEMO_USERS if d.role == "finance_analyst")
    approver = next(d for d in DEMO_USERS if d.role == "finance_approver")
    sample_jobs(
        analyst=User.objects.get(email=demo.email),
        approver=User.objects.get(email=approver.email),
    )
    login_as(
        page,
        LoginUser(email=demo.email, password=demo.password, totp_secret=demo.totp_secret),
        base_url=live_server.url,
    )
    # when
    visit(page, live_server.url + reverse("portal:job_list"))
    shoot(page, "finance_analyst-jobs")
    # then
    assert (SCREENSHOTS / "finance_analyst-jobs.png").stat().st_size > 0
