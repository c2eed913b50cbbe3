"""The disputes app's home-page panels (disputes.home): a case worker's cases, a facility's
returned disputes and their amendment dates."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from disputes.home import cases_panel, dispute_home_panels, facility_dispute_panels
from disputes.models import Status
from tests.home_data import dispute, returned_dispute, submitted_dispute

pytestmark = pytest.mark.django_db

QUEUE = "/disputes/cases/"


def _today() -> datetime.date:
    return timezone.localdate()


def test_given_open_cases_when_liaison_home_then_counts_link_to_filtered_queue(world):
    # given
    liaison, filer = world.users["ltss_liaison"], world.users["facility_staff"]
    today = _today()
    submitted_dispute(world.facility_a, filer, ack_due=today - datetime.timedelta(days=1))
    submitted_dispute(world.facility_a, filer, ack_due=today + datetime.timedelta(days=1))
    dispute(
        world.facility_a,
        filer,
        status=Status.UNDER_REVIEW,
        decision_due=today + datetime.timedelta(days=2),
        assignee=liaison,
    )
    # when
    panel = cases_panel(user=liaison)
    # then
    assert [(i.count, i.text, i.url, i.tone) for i in panel.items] == [
        (1, "dispute past its deadline", f"{QUEUE}?due=overdue", "danger"),
        (2, "disputes awaiting acknowledgement", f"{QUEUE}?status=submitted", "warning"),
        (
            2,
            "disputes due this week (within 5 working days)",
            f"{QUEUE}?due=soon",
            "warning",
        ),
        (1, "open case assigned to you", f"{QUEUE}?status=open&assignee=me", "info"),
    ]


def test_given_draft_and_closed_disputes_when_liaison_home_then_nothing_to_do(world):
    # given
    filer = world.users["facility_staff"]
    dispute(world.facility_a, filer, status=Status.DRAFT)
    dispute(world.facility_a, filer, status=Status.CLOSED)
    # when
    panel = cases_panel(user=world.users["ltss_liaison"])
    # then
    assert panel.items == ()
    assert panel.empty_text == "No dispute needs acknowledging or is due this week."


def test_given_returned_dispute_when_facility_home_then_answer_and_deadline_link_to_it(world):
    # given
    amend_due = _today() + datetime.timedelta(days=20)
    filer = world.users["facility_staff"]
    returned = returned_dispute(world.facility_a, filer, amend_due=amend_due)
    # when
    answers, deadlines = facility_dispute_panels(user=world.users["facility_admin"])
    # then
    url = reverse("disputes:dispute_detail", args=[returned.pk])
    assert [(i.text, i.url, i.due_on) for i in answers.items] == [
        (
            f"Dispute {returned.reference} (Alder Creek Care Center) was returned for more "
            "information",
            url,
            amend_due,
        )
    ]
    assert [(i.text, i.url, i.due_on) for i in deadlines.items] == [
        (f"Amend dispute {returned.reference} (Alder Creek Care Center)", url, amend_due)
    ]


def test_given_another_facilitys_returned_dispute_when_facility_home_then_not_shown(world):
    # given
    returned_dispute(world.facility_b, world.users["other_facility_staff"], amend_due=_today())
    # when
    answers, deadlines = facility_dispute_panels(user=world.users["facility_staff"])
    # then
    assert (answers.items, deadlines.items) == ((), ())
    assert answers.empty_text == "Nothing the plan returned is waiting for you."
    assert deadlines.empty_text == "No deadline coming up."


@pytest.mark.parametrize(
    ("role", "keys"),
    [
        ("facility_staff", ["answers", "deadlines"]),
        ("ltss_liaison", ["cases"]),
        ("program_admin", ["cases"]),
        ("finance_analyst", []),
    ],
)
def test_given_role_when_dispute_panels_asked_then_panels_of_that_role(world, role, keys):
    # when
    panels = dispute_home_panels(user=world.users[role])
    # then
    assert [panel.key for panel in panels] == keys
