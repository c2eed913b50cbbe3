"""Fixtures shared by all tests. The database is the machine's PostgreSQL when it answers on
127.0.0.1:5432, else the embedded one (portal/settings/test.py decides)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from portal.models import Role
from programs.wqip.models import OptIn, PerDiem
from tests.factories import FacilityFactory, OptInFactory, UserFactory
from tests.programs.wqip.factories import PerDiemExhibitFactory, bed_days

EXAMPLES_DIR = Path(__file__).parent / "programs" / "wqip" / "golden" / "examples"


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES_DIR


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    """Two facilities and one user per role (tests/roles.py)."""
    from tests.roles import build_world

    return build_world()


@pytest.fixture
def client_as(world):  # type: ignore[no-untyped-def]
    """``client_as(role)``: a test client signed in as the world's user of the role
    ("anonymous": nobody signed in)."""
    from django.test import Client

    def make(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        return client

    return make


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):  # type: ignore[no-untyped-def]
    """Transactional tests (and live_server) start after another one flushed every table:
    put back the rows the migrations seed (program years, holidays)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        from portal.reference_data import ensure_reference_data

        ensure_reference_data()


# --- finance users and a payable facility (payments and WQIP tests) ------------------------


@pytest.fixture
def analyst(db):
    return UserFactory.create(role=Role.FINANCE_ANALYST)


@pytest.fixture
def approver(db):
    return UserFactory.create(role=Role.FINANCE_APPROVER)


@pytest.fixture
def second_approver(db):
    return UserFactory.create(role=Role.FINANCE_APPROVER)


@pytest.fixture
def payable_facility(db):
    """Eligible, opted in for 2024, 100 qualifying days, interim per diem 20.0000."""
    facility = FacilityFactory.create()
    OptInFactory.create(facility=facility, status=OptIn.Status.APPROVED)
    bed_days(facility, 100)
    exhibit = PerDiemExhibitFactory.create(kind="interim")
    PerDiem.objects.create(exhibit=exhibit, facility=facility, per_diem=Decimal("20.0000"))
    return facility
