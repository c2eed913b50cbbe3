"""Demo data for ``make run``."""

from __future__ import annotations

from typing import Any


def load_ipp_demo_data(*, stdout: Any = None) -> str:
    return ""
