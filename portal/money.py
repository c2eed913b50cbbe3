"""Money is Decimal and is rounded half-up to the cent in exactly one place."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def round_money(value: Decimal) -> Decimal:
    if not isinstance(value, Decimal):
        raise TypeError(f"money must be Decimal, got {type(value).__name__}")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


MINUS = "\u2212"  # a real minus sign: wider than a hyphen, read as "minus" by screen readers


def format_money(value: Decimal | int | str | None) -> str:
    """Dollars as pages and PDFs show them: ``$3,319.13``, and ``\u2212$1,200.00`` with a minus
    sign (the sign, not a colour, says it is negative). None shows as ``$0.00``. Files (CSV,
    XLSX) keep plain decimals and never use this."""
    amount = Decimal(str(value)) if value is not None and value != "" else ZERO
    amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    sign = MINUS if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def days_late(*, due_on: object, paid_on: object) -> int:
    """Whole days a payment was made after its due date (0 when on time)."""
    if not isinstance(due_on, datetime.date) or not isinstance(paid_on, datetime.date):
        return 0
    return max((paid_on - due_on).days, 0)
