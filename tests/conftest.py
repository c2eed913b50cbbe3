"""Fixtures shared by all tests. The database is the machine's PostgreSQL when it answers on
127.0.0.1:5432, else the embedded one (portal/settings/test.py decides)."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES_DIR = Path(__file__).parent / "payments" / "golden" / "examples"


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
