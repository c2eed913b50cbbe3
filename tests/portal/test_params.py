"""portal/params.py: request values read outside a Django form never raise."""

from __future__ import annotations

import pytest

from portal.params import id_param, int_param, text_param


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024", 2024),
        (" 7 ", 7),
        ("-3", -3),
        ("0", 0),
        ("9" * 18, int("9" * 18)),
    ],
)
def test_given_ascii_whole_number_when_read_then_its_value(value, expected):
    assert int_param(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "²",  # str.isdigit() says yes, int() says no
        "١٢",  # Arabic-Indic digits: int() reads them, the parameter is still not ASCII
        "9" * 19,  # past PostgreSQL's bigint
        "9" * 5000,  # int() refuses it
        "12abc",
        "1.5",
        "+4",
        "1_000",
        "a\x00b",
    ],
)
def test_given_value_that_is_no_ascii_whole_number_when_read_then_none(value):
    assert int_param(value) is None


def test_given_bounds_when_value_outside_then_none_and_inside_then_value():
    # given
    bounds = {"min_value": 1, "max_value": 12}
    # when
    read = [int_param(v, **bounds) for v in ("0", "1", "12", "13")]
    # then
    assert read == [None, 1, 12, None]


@pytest.mark.parametrize(("value", "expected"), [("5", 5), ("0", None), ("-5", None)])
def test_given_id_when_read_then_positive_only(value, expected):
    assert id_param(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("  Harbor View ", "Harbor View"),
        ("Harbor\x00 View", "Harbor View"),
        ("line\r\nbreak\tand\x7fdel", "linebreakanddel"),
        ("x" * 100_000, "x" * 100),
    ],
)
def test_given_text_when_read_then_one_line_without_control_characters_capped(value, expected):
    assert text_param(value, max_length=100) == expected
