"""One money format on every page and PDF; files keep plain decimals (issue 21)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template

from portal.money import days_late, format_money


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("3319.13"), "$3,319.13"),
        (Decimal("-1200"), "\u2212$1,200.00"),
        (Decimal("0.005"), "$0.01"),
        (Decimal("-0.00"), "$0.00"),
        (None, "$0.00"),
        ("1234567.8", "$1,234,567.80"),
        (5, "$5.00"),
    ],
)
def test_given_amount_when_formatted_then_dollars_with_a_minus_sign_for_negatives(value, shown):
    assert format_money(value) == shown


def test_given_template_when_money_filter_used_without_load_then_formatted():
    # when
    text = Template("{{ amount|money }}").render(Context({"amount": Decimal("-555.00")}))
    # then
    assert text == "\u2212$555.00"


@pytest.mark.parametrize(
    ("due", "paid", "late"),
    [
        (datetime.date(2025, 6, 26), datetime.date(2025, 6, 26), 0),
        (datetime.date(2025, 6, 26), datetime.date(2025, 7, 1), 5),
        (datetime.date(2025, 6, 26), datetime.date(2025, 6, 1), 0),
        (None, datetime.date(2025, 6, 1), 0),
    ],
)
def test_given_due_and_paid_dates_when_compared_then_whole_days_late(due, paid, late):
    assert days_late(due_on=due, paid_on=paid) == late
