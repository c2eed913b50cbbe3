"""Contract §3: classification, year attribution and the factor, table-driven over every row of
the examples' citation table and both settings."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from programs.wqip.engine.citations import (
    attributed_year,
    citation_effect,
    classify,
    plain_words,
)

D = datetime.date

# (penalty, violation_from_date, penalty_issue_date, initial, final, class, year by violation,
#  year by issue date) - the README's citation table
EXAMPLE_ROWS = [
    ("200010001", D(2024, 3, 2), D(2024, 6, 10), "A Trebled", "", "A", 2024, 2024),
    ("200010001 update", D(2024, 3, 2), D(2024, 6, 10), "A Trebled", "B", "NONE", 2024, 2024),
    ("200010002", D(2024, 5, 11), D(2024, 7, 19), "AP", "AP", "NONE", 2024, 2024),
    ("200010003", D(2024, 8, 1), D(2024, 10, 1), "B", "B", "NONE", 2024, 2024),
    ("200010004", D(2024, 1, 15), D(2024, 4, 22), "A", "A", "A", 2024, 2024),
    ("200010005", D(2024, 9, 20), D(2024, 12, 3), "A", "", "A", 2024, 2024),
    ("200010006", D(2023, 12, 28), D(2024, 2, 14), "AA", "AA", "AA", 2023, 2024),
    ("200010007", D(2024, 4, 4), D(2024, 8, 30), "A", "B", "NONE", 2024, 2024),
    ("200010008", D(2024, 7, 7), D(2024, 11, 15), "AA", "DISMISSED", "NONE", 2024, 2024),
    ("200010009", D(2024, 10, 10), D(2025, 2, 1), "B First", "", "NONE", 2024, 2025),
    ("200010010", D(2025, 1, 10), D(2025, 3, 10), "A", "A", "A", 2025, 2025),
    ("200010011", D(2024, 3, 3), D(2024, 5, 5), "A", "A", "A", 2024, 2024),
    ("200010012", D(2024, 6, 18), D(2024, 9, 12), "AA", "Dismissed by Court", "NONE", 2024, 2024),
    ("200020001", D(2024, 10, 3), D(2025, 9, 15), "AA", "AA", "AA", 2024, 2025),
]


@pytest.mark.parametrize(
    ("penalty", "violation", "issued", "initial", "final", "expected", "_y1", "_y2"),
    EXAMPLE_ROWS,
    ids=[row[0] for row in EXAMPLE_ROWS],
)
def test_given_example_citation_when_classified_then_class_matches_readme(
    penalty, violation, issued, initial, final, expected, _y1, _y2
):
    # when
    result = classify(class_initial=initial, class_final=final)
    # then
    assert result == expected


@pytest.mark.parametrize(
    ("penalty", "violation", "issued", "initial", "final", "_cls", "by_violation", "by_issue"),
    EXAMPLE_ROWS,
    ids=[row[0] for row in EXAMPLE_ROWS],
)
@pytest.mark.parametrize("date_field", ["VIOLATION_FROM_DATE", "PENALTY_ISSUE_DATE"])
def test_given_example_citation_when_year_attributed_then_year_of_chosen_date(
    penalty, violation, issued, initial, final, _cls, by_violation, by_issue, date_field
):
    # when
    year = attributed_year(
        violation_from_date=violation, penalty_issue_date=issued, date_field=date_field
    )
    # then
    assert year == (by_violation if date_field == "VIOLATION_FROM_DATE" else by_issue)


@pytest.mark.parametrize(
    ("initial", "final", "expected"),
    [
        ("", "", "NONE"),
        ("  aa  ", "", "AA"),
        ("a", "", "A"),
        ("AA", "  ", "AA"),
        ("B", "a trebled", "A"),
        ("A", "AAA", "NONE"),
        ("A", "A-1", "NONE"),
        ("A\tTrebled", "", "A"),
    ],
)
def test_given_class_text_when_classified_then_first_word_upper_cased_decides(
    initial, final, expected
):
    assert classify(class_initial=initial, class_final=final) == expected


@pytest.mark.parametrize("date_field", ["VIOLATION_FROM_DATE", "PENALTY_ISSUE_DATE"])
def test_given_empty_date_when_year_attributed_then_no_year(date_field):
    assert (
        attributed_year(violation_from_date=None, penalty_issue_date=None, date_field=date_field)
        is None
    )


def test_given_unknown_date_field_when_year_attributed_then_error():
    with pytest.raises(ValueError, match="WQIP_CITATION_DATE_FIELD"):
        attributed_year(violation_from_date=D(2024, 1, 1), penalty_issue_date=None, date_field="X")


@pytest.mark.parametrize(
    ("classes", "mode", "expected_class", "expected_factor"),
    [
        ([], "once", "NONE", "1"),
        (["NONE", "NONE"], "once", "NONE", "1"),
        (["A"], "once", "A", "0.60"),
        (["A", "A"], "once", "A", "0.60"),
        (["A", "A", "A"], "once", "A", "0.60"),
        (["A", "AA"], "once", "AA", "0"),
        (["AA"], "per_citation", "AA", "0"),
        ([], "per_citation", "NONE", "1"),
        (["A"], "per_citation", "A", "0.60"),
        (["A", "A"], "per_citation", "A", "0.20"),
        (["A", "A", "A"], "per_citation", "A", "0"),
        (["A", "A", "A", "A"], "per_citation", "A", "0"),
        (["A", "NONE", "A"], "per_citation", "A", "0.20"),
    ],
)
def test_given_classes_when_effect_computed_then_factor_per_mode(
    classes, mode, expected_class, expected_factor
):
    # when
    effect = citation_effect(classes, class_a_mode=mode)
    # then
    assert effect.citation_class == expected_class
    assert effect.factor == Decimal(expected_factor)


def test_given_unknown_mode_when_effect_computed_then_error():
    with pytest.raises(ValueError, match="WQIP_CLASS_A_MODE"):
        citation_effect(["A"], class_a_mode="twice")


def test_given_two_class_a_when_explained_then_plain_words_say_reduced_once():
    # given
    effect = citation_effect(["A", "A"], class_a_mode="once")
    # when
    text = plain_words(effect)
    # then
    assert "reduced by 40%" in text
    assert "2 Class A citations" in text
