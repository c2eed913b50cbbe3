"""Citation classification and program-year attribution (contract §3). Pure functions."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

DATE_FIELDS = ("VIOLATION_FROM_DATE", "PENALTY_ISSUE_DATE")
CLASS_A_MODES = ("once", "per_citation")

NONE, CLASS_A, CLASS_AA = "NONE", "A", "AA"

FACTOR_FULL = Decimal("1")
FACTOR_DISQUALIFIED = Decimal("0")
CLASS_A_REDUCTION = Decimal("0.40")


def classify(*, class_initial: str, class_final: str) -> str:
    """``AA``, ``A`` or ``NONE``: the first word, upper-cased, of the final class, or of the
    initial class when the final one is empty (``A Trebled`` is A; ``AP``, ``B``, ``DISMISSED``
    ... are neither)."""
    text = class_final.strip() or class_initial.strip()
    words = text.split()
    first = words[0].upper() if words else ""
    if first == CLASS_AA:
        return CLASS_AA
    if first == CLASS_A:
        return CLASS_A
    return NONE


def attributed_year(
    *,
    violation_from_date: datetime.date | None,
    penalty_issue_date: datetime.date | None,
    date_field: str = "VIOLATION_FROM_DATE",
) -> int | None:
    """Program year the citation applies to; None when the chosen date is empty."""
    if date_field not in DATE_FIELDS:
        raise ValueError(
            f"WQIP_CITATION_DATE_FIELD must be one of {DATE_FIELDS}, not {date_field!r}"
        )
    day = violation_from_date if date_field == "VIOLATION_FROM_DATE" else penalty_issue_date
    return day.year if day is not None else None


@dataclass(frozen=True)
class CitationEffect:
    citation_class: str  # NONE, A or AA
    class_a_count: int
    factor: Decimal


def citation_effect(classes: Iterable[str], *, class_a_mode: str = "once") -> CitationEffect:
    """Factor for one facility and program year from the classes of its citations there."""
    if class_a_mode not in CLASS_A_MODES:
        raise ValueError(f"WQIP_CLASS_A_MODE must be one of {CLASS_A_MODES}, not {class_a_mode!r}")
    classes = list(classes)
    a_count = classes.count(CLASS_A)
    if CLASS_AA in classes:
        return CitationEffect(CLASS_AA, a_count, FACTOR_DISQUALIFIED)
    if a_count == 0:
        return CitationEffect(NONE, 0, FACTOR_FULL)
    steps = 1 if class_a_mode == "once" else a_count
    factor = max(FACTOR_DISQUALIFIED, FACTOR_FULL - CLASS_A_REDUCTION * steps)
    return CitationEffect(CLASS_A, a_count, factor)


def plain_words(effect: CitationEffect, *, class_a_mode: str = "once") -> str:
    """The citation effect explained for a facility user."""
    if effect.citation_class == CLASS_AA:
        return (
            "A Class AA citation applies to this program year, so the facility is disqualified: "
            "the payment is zero."
        )
    if effect.citation_class == CLASS_A:
        count = effect.class_a_count
        subject = "1 Class A citation applies" if count == 1 else f"{count} Class A citations apply"
        if class_a_mode == "once" or count == 1:
            return (
                f"{subject} to this program year, so the per diem is reduced by 40% (once, "
                "however many Class A citations)."
            )
        return (
            f"{subject} to this program year; each reduces the per diem by "
            f"40%, so {effect.factor * 100:.0f}% of the per diem is paid."
        )
    return "No Class A or AA citation applies to this program year: the full per diem is paid."
