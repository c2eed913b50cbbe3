"""WQIP's home-page panels (programs.wqip.home): opt-ins to review, returned opt-ins, open
opt-in windows, bed-day adjustments awaiting approval, recent claims imports, the overview."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import FacilityType
from programs.wqip.home import (
    adjustments_panel,
    facility_panels,
    imports_panel,
    reviews_panel,
    wqip_home_panels,
)
from programs.wqip.models import ClaimImport, OptIn, OptInExtension
from tests.factories import FacilityFactory, OptInFactory
from tests.home_data import bed_day_adjustment, claim_import, opt_in_with_form
from tests.programs.wqip.opt_in_helpers import close_window, open_window, program_year

pytestmark = pytest.mark.django_db

QUEUE = "/opt-ins/review/"


def _panels(user):  # type: ignore[no-untyped-def]
    return {panel.key: panel for panel in facility_panels(user=user)}


def test_given_waiting_opt_ins_when_liaison_home_then_counts_link_to_filtered_queue(world):
    # given
    liaison = world.users["ltss_liaison"]
    opt_in_with_form(world.facility_a, status=OptIn.Status.SUBMITTED, year=2026)
    opt_in_with_form(
        world.facility_b, status=OptIn.Status.SUBMITTED, year=2026, submitted_days_ago=40
    )
    opt_in_with_form(
        world.facility_a, status=OptIn.Status.UNDER_REVIEW, year=2025, assigned_to=liaison
    )
    opt_in_with_form(world.facility_b, status=OptIn.Status.DRAFT, year=2025)
    # when
    panel = reviews_panel(user=liaison)
    # then
    assert [(i.count, i.text, i.url, i.tone) for i in panel.items] == [
        (1, "opt-in past the 10-working-day review time", f"{QUEUE}?overdue=on", "danger"),
        (2, "opt-ins to review", f"{QUEUE}?status=submitted", "warning"),
        (1, "opt-in under review", f"{QUEUE}?status=under_review", "info"),
        (1, "waiting opt-in assigned to you", f"{QUEUE}?mine=on", "info"),
    ]


def test_given_only_decided_opt_ins_when_liaison_home_then_empty_state(world):
    # given
    opt_in_with_form(world.facility_a, status=OptIn.Status.APPROVED)
    OptInFactory.create(facility=world.facility_b, status=OptIn.Status.SUBMITTED)  # paper: no form
    # when
    panel = reviews_panel(user=world.users["ltss_liaison"])
    # then
    assert panel.items == ()
    assert panel.empty_text == "No opt-in waits for review."


def test_given_returned_opt_in_when_facility_home_then_answer_links_to_the_opt_in(world):
    # given
    returned = opt_in_with_form(world.facility_a, status=OptIn.Status.RETURNED, year=2026)
    opt_in_with_form(world.facility_b, status=OptIn.Status.RETURNED, year=2026)
    # when
    answers = _panels(world.users["facility_staff"])["answers"]
    # then
    assert [(i.text, i.url) for i in answers.items] == [
        (
            "Alder Creek Care Center's PY4 opt-in was returned for correction",
            reverse("wqip:opt_in_detail", args=[returned.pk]),
        )
    ]


def test_given_open_window_when_facility_home_then_deadline_to_start_or_submit(world):
    # given
    py = open_window(program_year(2026))
    mine = FacilityFactory.create(name="Cypress Post-Acute")
    world.users["facility_admin"].memberships.create(organisation=mine)
    draft = OptInFactory.create(facility=mine, program_year=py, status=OptIn.Status.DRAFT)
    # when
    deadlines = _panels(world.users["facility_admin"])["deadlines"]
    # then
    assert [(i.text, i.url, i.due_on) for i in deadlines.items] == [
        (
            "Opt in Alder Creek Care Center for PY4 before the window closes",
            reverse("wqip:opt_in_start", args=[world.facility_a.pk, 2026]),
            py.opt_in_closes_on,
        ),
        (
            "Submit Cypress Post-Acute's PY4 opt-in draft",
            reverse("wqip:opt_in_detail", args=[draft.pk]),
            py.opt_in_closes_on,
        ),
    ]


@pytest.mark.parametrize(
    "setup",
    ["submitted", "ineligible", "closed"],
)
def test_given_window_not_for_this_facility_when_facility_home_then_no_deadline(world, setup):
    # given
    py = open_window(program_year(2026))
    if setup == "submitted":
        OptInFactory.create(
            facility=world.facility_a, program_year=py, status=OptIn.Status.SUBMITTED
        )
    elif setup == "ineligible":
        world.facility_a.facility_type = FacilityType.ICF_DD
        world.facility_a.save()
    else:
        close_window(py)
    # when
    deadlines = _panels(world.users["facility_staff"])["deadlines"]
    # then
    assert deadlines.items == ()


def test_given_closed_window_and_extension_when_facility_home_then_deadline_is_the_extension(
    world,
):
    # given
    py = close_window(program_year(2026))
    extended_to = timezone.localdate() + datetime.timedelta(days=5)
    OptInExtension.objects.create(
        facility=world.facility_a,
        program_year=py,
        closes_on=extended_to,
        reason="Fire at the facility",
        granted_by=world.users["ltss_liaison"],
    )
    # when
    deadlines = _panels(world.users["facility_staff"])["deadlines"]
    # then
    assert [i.due_on for i in deadlines.items] == [extended_to]


def test_given_facility_user_when_home_then_opt_in_table_of_own_facilities(world):
    # when
    table = _panels(world.users["facility_staff"])["wqip-facilities"]
    # then
    assert [row["facility"] for row in table.context["rows"]] == [world.facility_a]
    assert table.is_work is False


def test_given_adjustments_when_approver_home_then_unapproved_ones_counted(world):
    # given
    bed_day_adjustment(world.facility_a)
    bed_day_adjustment(world.facility_b)
    bed_day_adjustment(world.facility_a, approved=True)
    # when
    panel = adjustments_panel()
    # then
    assert [(i.count, i.text, i.url) for i in panel.items] == [
        (2, "WQIP bed-day adjustments await approval", reverse("disputes:money_outcomes"))
    ]
    assert panel.key == "approvals"


def test_given_four_imports_when_analyst_home_then_three_newest_with_status_and_upload_link(world):
    # given
    analyst = world.users["finance_analyst"]
    claim_import(status=ClaimImport.Status.SUCCEEDED, uploaded_by=analyst, name="jan.csv")
    claim_import(status=ClaimImport.Status.SUCCEEDED, uploaded_by=analyst, name="feb.csv")
    failed = claim_import(status=ClaimImport.Status.FAILED, uploaded_by=analyst, name="mar.csv")
    claim_import(status=ClaimImport.Status.RUNNING, uploaded_by=analyst, name="apr.csv")
    today = timezone.localdate().strftime("%-d %b %Y")
    # when
    panel = imports_panel(user=analyst)
    # then
    assert [(i.text, i.tone) for i in panel.items] == [
        (f"apr.csv: running (uploaded {today})", "info"),
        (f"mar.csv: refused (uploaded {today})", "danger"),
        (f"feb.csv: imported (uploaded {today})", "success"),
    ]
    assert panel.items[1].url == reverse("wqip:claim_import_detail", args=[failed.pk])
    assert panel.links == (("Upload a claims file", reverse("wqip:claim_upload")),)


def test_given_no_import_when_analyst_home_then_empty_state_and_upload_link(world):
    # when
    panel = imports_panel(user=world.users["finance_analyst"])
    # then
    assert panel.items == ()
    assert panel.empty_text == "No claims file has been uploaded in the portal yet."
    assert panel.links == (("Upload a claims file", reverse("wqip:claim_upload")),)


@pytest.mark.parametrize(
    ("role", "keys"),
    [
        ("facility_staff", ["answers", "deadlines", "wqip-facilities"]),
        ("ltss_liaison", ["wqip-reviews"]),
        ("finance_analyst", ["wqip-imports"]),
        ("finance_approver", ["approvals", "wqip-imports"]),
        ("program_admin", ["wqip-reviews", "wqip-imports", "wqip-overview"]),
    ],
)
def test_given_role_when_wqip_panels_asked_then_panels_of_that_role(world, role, keys):
    # when
    panels = wqip_home_panels(user=world.users[role])
    # then
    assert [panel.key for panel in panels] == keys
