"""Resident days the plan's own claims show for a facility and month, offered by whichever
program computes them (WQIP's bed days) to whichever program wants them (QAF's prefill),
without one program importing the other: the provider registers here at start-up.

    register_claims_days_provider("wqip", wqip_claims_days)   # WqipConfig.ready
    claims_days(facility_id=12, month=date(2024, 3, 1))       # QAF's declaration page

Plan claims only: a facility's census also holds other payers' residents."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ClaimsDays:
    days: int
    source: str  # says where the figure comes from, e.g. "WQIP bed days 2024 (computed ...)"


ClaimsDaysProvider = Callable[[int, datetime.date], ClaimsDays | None]
CLAIMS_DAYS_PROVIDERS: dict[str, ClaimsDaysProvider] = {}


def register_claims_days_provider(name: str, provider: ClaimsDaysProvider) -> None:
    CLAIMS_DAYS_PROVIDERS[name] = provider


def claims_days(*, facility_id: int, month: datetime.date) -> ClaimsDays | None:
    """The first registered provider's figure for the month, or None when none has one."""
    for provider in CLAIMS_DAYS_PROVIDERS.values():
        found = provider(facility_id, month.replace(day=1))
        if found is not None:
            return found
    return None
