"""Template filters every page and PDF uses for figures (``{% load portal_format %}``)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template

from portal.money import format_money

register = template.Library()


@register.filter
def money(value: Decimal | int | str | None) -> str:
    """``{{ line.net_amount|money }}`` -> ``$3,319.13`` or ``\u2212$1,200.00`` (a minus sign)."""
    return format_money(value)


@register.filter
def duration_text(value: datetime.timedelta | None) -> str:
    """``{{ job.duration|duration_text }}`` -> ``2 min 05 s``, ``4.2 s``, ``1 h 03 min``."""
    if value is None:
        return ""
    seconds = max(value.total_seconds(), 0.0)
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
