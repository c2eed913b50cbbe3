"""The payments app's home-page panels (payments.home): runs awaiting approval, runs on the
way, each facility's latest payment."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from payments.home import (
    latest_payments_panel,
    payment_home_panels,
    runs_panel,
    runs_to_approve_panel,
)
from payments.models import PaymentRun
from portal.models import Role
from tests.factories import UserFactory
from tests.home_data import payment_line, payment_run

pytestmark = pytest.mark.django_db

DRAFT, QUEUED, FAILED, POSTED = (
    PaymentRun.Status.DRAFT,
    PaymentRun.Status.QUEUED,
    PaymentRun.Status.FAILED,
    PaymentRun.Status.POSTED,
)


def test_given_drafts_when_approver_home_then_only_runs_started_by_someone_else(world):
    # given
    approver = world.users["finance_approver"]
    theirs = payment_run(status=DRAFT, started_by=world.users["finance_analyst"])
    payment_run(status=DRAFT, started_by=approver)
    # when
    panel = runs_to_approve_panel(user=approver)
    # then
    assert [(i.text, i.url) for i in panel.items] == [
        (
            f"Run #{theirs.pk} · WQIP 2024 Interim awaits your approval",
            reverse("payments:run_approve", args=[theirs.pk]),
        )
    ]


def test_given_operator_draft_without_starter_when_approver_home_then_it_awaits_approval(world):
    # given
    run = payment_run(status=DRAFT, started_by=None)
    # when
    panel = runs_to_approve_panel(user=world.users["finance_approver"])
    # then
    assert [i.url for i in panel.items] == [reverse("payments:run_approve", args=[run.pk])]


def test_given_seven_drafts_when_approver_home_then_five_shown_and_the_rest_counted(world):
    # given
    for _ in range(7):
        payment_run(status=DRAFT, started_by=world.users["finance_analyst"])
    # when
    panel = runs_to_approve_panel(user=world.users["finance_approver"])
    # then
    assert len(panel.items) == 6
    more = panel.items[-1]
    assert (more.count, more.text, more.url) == (
        2,
        "more draft runs: see all payment runs",
        reverse("payments:run_list"),
    )


def test_given_no_draft_when_approver_home_then_empty_state(world):
    # given
    payment_run(status=POSTED, started_by=world.users["finance_analyst"])
    # when
    panel = runs_to_approve_panel(user=world.users["finance_approver"])
    # then
    assert panel.items == ()
    assert panel.empty_text == "Nothing awaits your approval."


def test_given_analyst_when_approvals_panel_asked_then_nothing_to_approve(world):
    # given
    payment_run(status=DRAFT, started_by=UserFactory.create(role=Role.FINANCE_ANALYST))
    # when
    panel = runs_to_approve_panel(user=world.users["finance_analyst"])
    # then
    assert panel.items == ()


def test_given_queued_draft_failed_and_posted_runs_when_analyst_home_then_runs_on_the_way(world):
    # given
    analyst = world.users["finance_analyst"]
    queued = payment_run(status=QUEUED, started_by=analyst, kind="final")
    draft = payment_run(status=DRAFT, started_by=analyst, program_year=2025)
    failed = payment_run(status=FAILED, started_by=analyst, program_year=2023)
    payment_run(status=POSTED, started_by=analyst)
    # when
    panel = runs_panel(user=analyst)
    # then
    assert [(i.text, i.url, i.tone) for i in panel.items] == [
        (
            f"Run #{failed.pk} · WQIP 2023 Interim, failed: see what went wrong",
            reverse("payments:run_detail", args=[failed.pk]),
            "danger",
        ),
        (
            f"Run #{draft.pk} · WQIP 2025 Interim, draft: awaiting a finance approver",
            reverse("payments:run_detail", args=[draft.pk]),
            "info",
        ),
        (
            f"Run #{queued.pk} · WQIP 2024 Final, queued: being computed",
            reverse("payments:run_detail", args=[queued.pk]),
            "info",
        ),
    ]


def test_given_failed_run_started_again_when_analyst_home_then_failed_one_no_longer_listed(
    world,
):
    # given
    analyst = world.users["finance_analyst"]
    payment_run(status=FAILED, started_by=analyst)
    payment_run(status=POSTED, started_by=analyst)
    # when
    panel = runs_panel(user=analyst)
    # then
    assert panel.items == ()
    assert panel.empty_text == "No payment run is queued, awaiting approval or failed."


def test_given_draft_by_someone_else_when_approver_home_then_listed_once_under_approvals(world):
    # given
    payment_run(status=DRAFT, started_by=world.users["finance_analyst"])
    # when
    panels = payment_home_panels(user=world.users["finance_approver"])
    # then
    assert [(p.key, len(p.items)) for p in panels] == [("approvals", 1), ("payment-runs", 0)]


def test_given_posted_runs_when_facility_home_then_latest_line_per_own_facility(world):
    # given
    older = payment_run(
        status=POSTED, posted_at=timezone.now() - datetime.timedelta(days=40), kind="interim"
    )
    newer = payment_run(status=POSTED, kind="final")
    payment_line(older, world.facility_a, net="100.00")
    latest = payment_line(newer, world.facility_a, net="41.75")
    payment_line(newer, world.facility_b, net="999.00")
    # when
    panel = latest_payments_panel(user=world.users["facility_admin"])
    # then
    assert panel.context["lines"] == [latest]
    assert panel.is_work is False


def test_given_latest_payment_when_facility_home_drawn_then_net_date_and_statement_link(
    client_as, world
):
    # given
    run = payment_run(status=POSTED, kind="final")
    line = payment_line(run, world.facility_a, net="41.75")
    # when
    html = client_as("facility_staff").get(reverse("portal:home")).content.decode()
    # then
    assert "41.75" in html
    assert timezone.localdate(run.posted_at).strftime("%-d %b %Y") in html
    assert reverse("payments:statement_pdf", args=[line.pk]) in html
    assert reverse("payments:facility_payments", args=[world.facility_a.npi]) in html


def test_given_draft_run_only_when_facility_home_then_no_payment_yet(client_as, world):
    # given
    payment_line(payment_run(status=DRAFT), world.facility_a, net="41.75")
    # when
    html = client_as("facility_staff").get(reverse("portal:home")).content.decode()
    # then
    assert "No payment has been posted to your facilities yet." in html
    assert "41.75" not in html
