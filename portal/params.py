"""Reading query parameters and form fields that did not go through a Django form.

Anything in a request may be hostile: ``str.isdigit()`` accepts "²" (which ``int()`` refuses),
``int()`` refuses more than 4,300 digits, PostgreSQL refuses NUL in text and any number past
its bigint. These helpers turn such values into "absent" (``None`` or ``""``), never an
exception: a view then answers as if the parameter had not been given (or with a 404).

    year = int_param(request.GET.get("year"), min_value=1)
    query = text_param(request.GET.get("q"), max_length=100)
"""

from __future__ import annotations

import re

# ASCII digits only, at most 18 of them: always within PostgreSQL's bigint
INTEGER = re.compile(r"-?[0-9]{1,18}")
# C0 control characters (NUL included) and DEL: never part of a one-line parameter
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def int_param(
    value: str | None, *, min_value: int | None = None, max_value: int | None = None
) -> int | None:
    """The whole number ``value`` spells (ASCII digits, an optional minus sign, surrounding
    spaces ignored), or None when it is missing, spelt otherwise or out of bounds."""
    if value is None:
        return None
    text = value.strip()
    if not INTEGER.fullmatch(text):
        return None
    number = int(text)
    if min_value is not None and number < min_value:
        return None
    if max_value is not None and number > max_value:
        return None
    return number


def id_param(value: str | None) -> int | None:
    """A database id (a positive whole number), or None."""
    return int_param(value, min_value=1)


def text_param(value: str | None, *, max_length: int) -> str:
    """One line of text: control characters (NUL included) removed, surrounding spaces
    stripped, at most ``max_length`` characters; "" when missing."""
    if value is None:
        return ""
    return CONTROL_CHARACTERS.sub("", value).strip()[:max_length]
