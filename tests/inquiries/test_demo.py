"""Demo cases for ``make run``: inquiries and disputes in every state, loaded once."""

from __future__ import annotations

import pytest

from disputes.demo import load_dispute_demo_data
from disputes.models import Dispute
from disputes.models import Status as DisputeStatus
from portal.cases.work import my_work
from portal.demo import load_portal_demo_data
from portal.inquiries.demo import load_inquiry_demo_data
from portal.inquiries.models import Inquiry, Status
from portal.models import AuditEvent, User

pytestmark = pytest.mark.django_db


def _load() -> None:
    load_portal_demo_data()
    load_inquiry_demo_data()
    load_dispute_demo_data()


def test_given_demo_loaded_when_counted_then_every_state_of_inquiries_and_disputes():
    _load()
    assert set(Inquiry.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Dispute.objects.values_list("status", flat=True)) == set(DisputeStatus.values)
    assert Inquiry.objects.filter(assignee__isnull=True).exclude(status="draft").exists()
    converted = Inquiry.objects.get(status=Status.CONVERTED)
    assert Dispute.objects.get(inquiry=converted).status == DisputeStatus.DRAFT


def test_given_demo_loaded_when_loaded_again_then_nothing_changes():
    _load()
    counts = (Inquiry.objects.count(), Dispute.objects.count(), AuditEvent.objects.count())
    _load()
    assert counts == (Inquiry.objects.count(), Dispute.objects.count(), AuditEvent.objects.count())


def test_given_demo_liaison_when_my_work_then_cases_of_every_kind():
    _load()
    work = my_work(user=User.objects.get(email="liaison@plan.demo"))
    assert {"inquiry", "dispute"} <= {kind for kind, _, _ in work.by_kind}
    assert work.total >= 8
