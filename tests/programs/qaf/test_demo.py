"""The QAF demo data behind ``make run``."""

from __future__ import annotations

import datetime

import pytest

from portal.demo import load_portal_demo_data
from programs.qaf.demo import load_qaf_demo_data
from programs.qaf.models import QafDeclaration, QafPayment
from programs.qaf.selectors import month_status

pytestmark = pytest.mark.django_db


def test_demo_facilities_declare_a_year_and_one_month_is_paid_late() -> None:
    load_portal_demo_data()
    load_qaf_demo_data()
    assert QafDeclaration.objects.count() == 24  # two demo facilities x 12 months of 2024
    assert QafPayment.objects.count() == 24
    june = QafDeclaration.objects.get(facility__npi="1583306422", month=datetime.date(2024, 6, 1))
    status = month_status(facility=june.facility, month=june.month, today=datetime.date(2025, 1, 1))
    assert status.balance == 0
    assert status.paid_late
    assert status.delinquency.estimated_interest > 0  # paid on day 75: 15 days of interest
    late = [
        d
        for d in QafDeclaration.objects.all()
        if month_status(
            facility=d.facility, month=d.month, today=datetime.date(2025, 1, 1)
        ).paid_late
    ]
    assert late == [june]
    # idempotent
    assert load_qaf_demo_data() == "QAF demo data: already loaded"
    assert QafDeclaration.objects.count() == 24
