"""IPP test data: a program year with submissions and a measure catalogue."""

from __future__ import annotations

import datetime
from decimal import Decimal

from programs.ipp.models import IppMeasure, IppProgramYear, IppSubmission


def program_year(number: int = 1, **kwargs: object) -> IppProgramYear:
    year = 2021 + number
    defaults: dict[str, object] = {
        "label": f"PY{number} (CY{year})",
        "starts_on": datetime.date(year, 1, 1),
        "ends_on": datetime.date(year, 12, 31) if number < 3 else datetime.date(year, 6, 30),
    }
    defaults.update(kwargs)
    obj, _ = IppProgramYear.objects.get_or_create(number=number, defaults=defaults)
    return obj


def submission(
    year: IppProgramYear, code: str = "2-A", allocation: str = "10000000", **kwargs: object
) -> IppSubmission:
    return IppSubmission.objects.create(
        program_year=year, code=code, max_allocation=Decimal(allocation), **kwargs
    )


def measure(
    sub: IppSubmission, code: str, points: str, area: int = 1, **kwargs: object
) -> IppMeasure:
    domain = {1: "1A", 2: "2A", 3: "3A", 4: "4A"}[area]
    values: dict[str, object] = {
        "priority_area": area,
        "domain": domain,
        "name": f"Measure {code}",
        "kind": "p4r",
        "points": Decimal(points),
    }
    values.update(kwargs)
    return IppMeasure.objects.create(submission=sub, code=code, **values)
