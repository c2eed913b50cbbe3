from __future__ import annotations

from decimal import Decimal

import pytest

from payments.models import PerDiem
from portal.models import OptIn, Role
from tests.factories import FacilityFactory, OptInFactory, UserFactory
from tests.payments.factories import PerDiemExhibitFactory, bed_days


@pytest.fixture
def analyst(db):
    return UserFactory(role=Role.FINANCE_ANALYST)


@pytest.fixture
def approver(db):
    return UserFactory(role=Role.FINANCE_APPROVER)


@pytest.fixture
def second_approver(db):
    return UserFactory(role=Role.FINANCE_APPROVER)


@pytest.fixture
def payable_facility(db):
    """Eligible, opted in for 2024, 100 qualifying days, interim per diem 20.0000."""
    facility = FacilityFactory()
    OptInFactory(facility=facility, status=OptIn.Status.APPROVED)
    bed_days(facility, 100)
    exhibit = PerDiemExhibitFactory(kind="interim")
    PerDiem.objects.create(exhibit=exhibit, facility=facility, per_diem=Decimal("20.0000"))
    return facility
