"""The home page: a work list per role, drawn from the panels every app declares
(portal.home, portal.views.home)."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disputes.models import Status as DisputeStatus
from payments.models import PaymentRun
from portal.home import home_panels_for, work_item_count
from portal.models import OrganisationMembership
from portal.programs import HomePanel, PortalApp, WorkItem
from programs.wqip.models import ClaimImport, OptIn
from tests.factories import FacilityFactory
from tests.home_data import (
    bed_day_adjustment,
    claim_import,
    dispute,
    opt_in_with_form,
    payment_line,
    payment_run,
    returned_dispute,
    submitted_dispute,
)
from tests.inquiries.helpers import answered_inquiry, submitted_inquiry
from tests.programs.wqip.opt_in_helpers import open_window, program_year

pytestmark = pytest.mark.django_db

SIGNED_IN_ROLES = (
    "facility_staff",
    "facility_admin",
    "ltss_liaison",
    "finance_analyst",
    "finance_approver",
    "program_admin",
)


def _day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


class _FirstApp(PortalApp):
    name = "first"

    def home_panels(self, user):  # type: ignore[no-untyped-def]
        return [
            HomePanel("deadlines", "Your next deadlines", (WorkItem("B", "/b", due_on=_day(9)),)),
            HomePanel("info", "Information", order=90, is_work=False),
        ]


class _SecondApp(PortalApp):
    name = "second"

    def home_panels(self, user):  # type: ignore[no-untyped-def]
        return [
            HomePanel(
                "deadlines",
                "Deadlines again",
                (WorkItem("A", "/a", due_on=_day(2)),),
                links=(("All deadlines", "/deadlines/"),),
            ),
            HomePanel("answers", "What needs an answer", (WorkItem("C", "/c"),), order=10),
        ]


def test_given_two_apps_with_same_panel_key_when_home_built_then_one_card_nearest_due_first(
    world, monkeypatch
):
    # given
    monkeypatch.setattr("portal.home.apps.get_app_configs", lambda: [_FirstApp(), _SecondApp()])
    # when
    panels = home_panels_for(world.users["facility_staff"])
    # then
    assert [(p.key, p.title, [i.text for i in p.items]) for p in panels] == [
        ("answers", "What needs an answer", ["C"]),
        ("deadlines", "Your next deadlines", ["A", "B"]),
        ("info", "Information", []),
    ]
    assert panels[1].links == (("All deadlines", "/deadlines/"),)
    assert work_item_count(panels) == 3


def test_given_work_item_with_unknown_tone_when_made_then_refused():
    # when / then
    with pytest.raises(ValueError, match="tone must be one of"):
        WorkItem("Look", "/", tone="purple")


def test_given_nothing_to_do_when_home_then_nothing_needs_you_today(client_as, world):
    # when
    response = client_as("ltss_liaison").get(reverse("portal:home"))
    # then
    html = response.content.decode()
    assert "Nothing needs you today." in html
    assert "No opt-in waits for review." in html
    assert "No dispute needs acknowledging or is due this week." in html


def test_given_work_when_home_then_counted_items_link_to_their_pages(client_as, world):
    # given
    filer = world.users["facility_staff"]
    submitted_dispute(world.facility_a, filer, ack_due=_day(1))
    submitted_dispute(world.facility_a, filer, ack_due=_day(1))
    # when
    html = client_as("ltss_liaison").get(reverse("portal:home")).content.decode()
    # then
    assert "Nothing needs you today." not in html
    assert (
        '<a href="/disputes/cases/?status=submitted"><span class="work-count">2</span> '
        "disputes awaiting acknowledgement</a>"
    ) in html


def test_given_run_and_adjustment_when_approver_home_then_one_approvals_card_with_both(
    client_as, world
):
    # given
    run = payment_run(status=PaymentRun.Status.DRAFT, started_by=world.users["finance_analyst"])
    bed_day_adjustment(world.facility_a)
    # when
    response = client_as("finance_approver").get(reverse("portal:home"))
    # then
    approvals = next(p for p in response.context["panels"] if p.key == "approvals")
    assert [i.text for i in approvals.items] == [
        f"Run #{run.pk} · WQIP 2024 Interim awaits your approval",
        "WQIP bed-day adjustment awaits approval",
    ]
    assert response.context["panels"][0] == approvals


def test_given_returned_dispute_due_before_window_closes_when_facility_home_then_first(
    client_as, world
):
    # given: the PY4 window closes in 10 days, the dispute amendment is due in 3
    open_window(program_year(2026))
    returned = returned_dispute(world.facility_a, world.users["facility_staff"], amend_due=_day(3))
    # when
    response = client_as("facility_admin").get(reverse("portal:home"))
    # then
    deadlines = next(p for p in response.context["panels"] if p.key == "deadlines")
    assert [i.text for i in deadlines.items] == [
        f"Amend dispute {returned.reference} (Alder Creek Care Center)",
        "Opt in Alder Creek Care Center for PY4 before the window closes",
    ]
    assert [p.key for p in response.context["panels"]] == [
        "answers",
        "inquiries",
        "deadlines",
        "latest-payments",
        "wqip-facilities",
    ]


def test_given_every_app_when_panels_collected_then_only_portal_apps_asked():
    # when
    contributors = [c.name for c in apps.get_app_configs() if isinstance(c, PortalApp)]
    # then
    assert contributors == [
        "portal",
        "portal.inquiries",
        "payments",
        "disputes",
        "programs.wqip",
        "programs.ecm",
        "programs.qaf",
        "programs.ipp",
    ]


# --- the query count does not grow with the data -------------------------------------------


def _populate(world, count: int, *, start: int) -> None:  # type: ignore[no-untyped-def]
    """``count`` more facilities of the world's facility users, each with something in every
    panel: a returned and a waiting opt-in, a returned and a submitted dispute, a posted
    payment, a draft and a failed run, a claims import, a bed-day adjustment."""
    analyst, filer = world.users["finance_analyst"], world.users["facility_staff"]
    for n in range(start, start + count):
        facility = FacilityFactory.create(name=f"Home {n:02d}")
        for role in ("facility_staff", "facility_admin"):
            OrganisationMembership.objects.create(user=world.users[role], organisation=facility)
        opt_in_with_form(facility, status=OptIn.Status.RETURNED, year=2025)
        opt_in_with_form(facility, status=OptIn.Status.SUBMITTED, year=2024, submitted_days_ago=n)
        returned_dispute(facility, filer, amend_due=_day(n))
        submitted_dispute(facility, filer, ack_due=_day(n - 3))
        dispute(facility, filer, status=DisputeStatus.UNDER_REVIEW, decision_due=_day(n))
        posted = payment_run(status=PaymentRun.Status.POSTED, program_year=2000 + n)
        payment_line(posted, facility, net=f"{n}.50")
        payment_run(status=PaymentRun.Status.DRAFT, started_by=analyst, program_year=2000 + n)
        payment_run(status=PaymentRun.Status.FAILED, started_by=analyst, program_year=2100 + n)
        claim_import(status=ClaimImport.Status.FAILED, uploaded_by=analyst)
        bed_day_adjustment(facility)
        submitted_inquiry(facility=facility, author=filer)
        answered_inquiry(facility=facility, author=filer, liaison=world.users["ltss_liaison"])


def _home_queries(client) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("portal:home")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", SIGNED_IN_ROLES)
def test_given_five_times_the_data_when_home_then_same_number_of_queries(
    client_as, world, role, settings
):
    # given: the panels computed on every page (the caches of them and of the page have their
    # own tests: below, and tests/programs/wqip/test_page_cache.py)
    settings.WQIP_HOME_CACHE_SECONDS = 0
    settings.WQIP_PAGE_CACHE_SECONDS = 0
    open_window(program_year(2026))
    client = client_as(role)
    _populate(world, 1, start=1)
    client.get(reverse("portal:home"))  # the first page renews the session
    small = _home_queries(client)
    # when
    _populate(world, 4, start=2)
    large = _home_queries(client)
    # then
    assert large == small


# --- the panels in the shared cache (portal.home.home_panels_for) ----------------------------


def _panel_text(client) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_given_home_seen_when_seen_again_without_a_change_then_panels_come_from_the_cache(
    client_as, world
):
    # given
    facility = world.facility_a
    inquiry = submitted_inquiry(facility=facility, author=world.users["facility_staff"])
    client = client_as("facility_staff")
    assert f"Inquiry {inquiry.case_number}" in _panel_text(client)
    uncached = _home_queries_with_cache_off(client)
    # when
    cached = _home_queries(client)
    # then: the same panels, with none of their queries
    assert f"Inquiry {inquiry.case_number}" in _panel_text(client)
    assert cached < uncached
    assert cached <= 4  # user, at most three more


def _home_queries_with_cache_off(client) -> int:  # type: ignore[no-untyped-def]
    from django.test import override_settings

    with override_settings(WQIP_HOME_CACHE_SECONDS=0, WQIP_PAGE_CACHE_SECONDS=0):
        return _home_queries(client)


def test_given_home_cached_when_a_model_is_written_then_the_next_page_shows_the_change(
    client_as, world
):
    # given
    facility = world.facility_a
    client = client_as("facility_staff")
    before = _panel_text(client)
    assert "Inquiry " not in before
    # when
    inquiry = submitted_inquiry(facility=facility, author=world.users["facility_staff"])
    # then
    assert f"Inquiry {inquiry.case_number}" in _panel_text(client)


def test_given_home_cached_when_only_a_session_is_written_then_the_version_stays(world, client_as):
    from django.core.cache import cache

    from portal.home import HOME_VERSION_KEY

    # given
    client = client_as("facility_staff")
    _panel_text(client)
    version = cache.get(HOME_VERSION_KEY)
    # when: a session row is saved (every sign-in, every idle renewal)
    session = client.session
    session["anything"] = 1
    session.save()
    # then
    assert cache.get(HOME_VERSION_KEY) == version


def test_given_a_write_when_saved_then_the_version_moves_and_no_commit_hook_is_added(
    world, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from portal.home import HOME_VERSION_KEY

    # given
    cache.set(HOME_VERSION_KEY, 10, None)
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        FacilityFactory.create()
    # then: moved at once (a page in the same transaction sees the change), and the
    # transaction's on-commit hooks (task sends) are left alone
    assert cache.get(HOME_VERSION_KEY) > 10
    assert callbacks == []


def test_given_the_cache_off_when_a_model_is_written_then_nothing_is_counted(world, settings):
    from django.core.cache import cache

    from portal.home import HOME_VERSION_KEY

    # given
    settings.WQIP_HOME_CACHE_SECONDS = 0
    settings.WQIP_PAGE_CACHE_SECONDS = 0
    cache.set(HOME_VERSION_KEY, 5, None)
    # when
    FacilityFactory.create()
    # then
    assert cache.get(HOME_VERSION_KEY) == 5
