"""Payment amounts and due dates (contract §4). Pure functions; money rounded once."""

from __future__ import annotations

import datetime
from decimal import Decimal

from portal.money import ZERO, round_money

EXHIBIT_DUE_DAYS = 45
CLAIM_DUE_DAYS = 30

FACILITY_INELIGIBLE = "facility_ineligible"
NOT_OPTED_IN = "not_opted_in"
PAYABLE = "payable"


def line_status(*, is_eligible: bool, is_opted_in: bool) -> str:
    if not is_eligible:
        return FACILITY_INELIGIBLE
    if not is_opted_in:
        return NOT_OPTED_IN
    return PAYABLE


def gross_amount(
    *, status: str, qualifying_bed_days: int, per_diem: Decimal, factor: Decimal
) -> Decimal:
    """days x per diem x factor, rounded half-up to the cent once, at the end; 0.00 unless
    payable."""
    if status != PAYABLE:
        return ZERO
    return round_money(Decimal(qualifying_bed_days) * per_diem * factor)


def net_amount(*, gross: Decimal, previously_paid: Decimal) -> Decimal:
    return round_money(gross - previously_paid) + ZERO  # + ZERO turns -0.00 into 0.00


def due_date(
    *, exhibit_received_on: datetime.date, latest_qualifying_received_on: datetime.date | None
) -> datetime.date:
    """Later of exhibit received + 45 days and latest qualifying claim received + 30 days."""
    due = exhibit_received_on + datetime.timedelta(days=EXHIBIT_DUE_DAYS)
    if latest_qualifying_received_on is not None:
        due = max(due, latest_qualifying_received_on + datetime.timedelta(days=CLAIM_DUE_DAYS))
    return due
