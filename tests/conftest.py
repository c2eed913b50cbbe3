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
