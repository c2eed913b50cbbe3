"""Template filters every page and PDF uses for figures (``{% load portal_format %}``)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from portal.money import format_money

register = template.Library()


@register.filter
def money(value: Decimal | int | str | None) -> str:
    """``{{ line.net_amount|money }}`` -> ``$3,319.13`` or ``\u2212$1,200.00`` (a minus sign)."""
    return format_money(value)
