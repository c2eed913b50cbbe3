"""The payments demo data behind `make run`."""

from __future__ import annotations

import pytest

from payments.models import (
    LedgerEntry,
    PaymentRun,
)
from portal.demo import load_portal_demo_data
from programs.wqip.demo import load_wqip_demo_data
from programs.wqip.models import (
    BedDaySummary,
    Claim,
)

pytestmark = pytest.mark.django_db


def test_given_portal_demo_when_payments_demo_loaded_then_interim_posted_and_final_draft():
    # given
    load_portal_demo_data()
    # when
    load_wqip_demo_data()
    # then
    runs = {run.kind: run for run in PaymentRun.objects.all()}
    assert runs["interim"].status == PaymentRun.Status.POSTED
    assert runs["final"].status == PaymentRun.Status.DRAFT
    started_by = runs["final"].started_by
    assert started_by is not None
    assert started_by.email == "analyst@plan.demo"
    assert BedDaySummary.objects.get(facility__npi="1427051986").qualifying_days == 167
    assert LedgerEntry.objects.count() == 4


def test_given_payments_demo_loaded_when_loaded_again_then_nothing_changes():
    # given
    load_portal_demo_data()
    load_wqip_demo_data()
    before = (Claim.objects.count(), PaymentRun.objects.count(), LedgerEntry.objects.count())
    # when
    summary = load_wqip_demo_data()
    # then
    assert summary == "WQIP demo data: already loaded"
    assert (
        Claim.objects.count(),
        PaymentRun.objects.count(),
        LedgerEntry.objects.count(),
    ) == before
