"""Fixtures shared by all tests. The database is the machine's PostgreSQL when it answers on
127.0.0.1:5432, else the embedded one (portal/settings/test.py decides)."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES_DIR = Path(__file__).parent / "payments" / "golden" / "examples"


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES_DIR
