"""The QAF rate table of the domain guide (§1), 2007-08 to 2024: seeded by migration 0002, put
back by ``QafConfig.ensure_reference_data`` after a flush. Rows an admin changed are kept."""

from __future__ import annotations

import datetime
from decimal import Decimal

D = datetime.date
NO_APPROVAL_DATE = (
    "CMS approval date not in the guide: taken as the first day of the rate year (reading [A])."
)
# (label, starts on, ends on, under 100,000 days/yr, 100,000 or more, note)
RATE_TABLE: list[tuple[str, datetime.date, datetime.date, str, str | None, str]] = [
    ("2007-08", D(2007, 8, 1), D(2008, 7, 31), "8.27", None, "One rate listed for all."),
    ("2008-09", D(2008, 8, 1), D(2009, 7, 31), "9.05", "8.05", ""),
    ("2009-10", D(2009, 8, 1), D(2010, 7, 31), "11.16", "10.12", ""),
    ("2010-11", D(2010, 8, 1), D(2011, 7, 31), "13.08", "11.93", ""),
    (
        "2011-12 Aug-Dec 2011",
        D(2011, 8, 1),
        D(2011, 12, 31),
        "14.33",
        "13.43",
        "Row placement inferred.",
    ),
    (
        "2011-12 Jan-Jul 2012",
        D(2012, 1, 1),
        D(2012, 7, 31),
        "14.42",
        "13.46",
        "Row placement inferred.",
    ),
    ("2012-13", D(2012, 8, 1), D(2013, 7, 31), "15.61", "14.88", ""),
    ("2013-14", D(2013, 8, 1), D(2014, 7, 31), "15.43", "14.40", ""),
    ("2014-15", D(2014, 8, 1), D(2015, 7, 31), "16.03", "15.15", "Row label inferred."),
    ("2015-16", D(2015, 8, 1), D(2016, 7, 31), "16.26", "15.39", ""),
    ("2016-17", D(2016, 8, 1), D(2017, 7, 31), "15.95", "14.85", ""),
    ("2017-18", D(2017, 8, 1), D(2018, 7, 31), "15.38", "14.28", ""),
    ("2018-19", D(2018, 8, 1), D(2019, 7, 31), "15.72", "14.46", ""),
    ("2022", D(2022, 1, 1), D(2022, 12, 31), "16.96", "16.08", "Calendar rate year."),
    ("2024", D(2024, 1, 1), D(2024, 12, 31), "20.59", "19.12", "Calendar rate year."),
]


def seed_rate_years(rate_year_model) -> None:  # type: ignore[no-untyped-def]
    for label, starts, ends, under, over, note in RATE_TABLE:
        rate_year_model.objects.get_or_create(
            label=label,
            defaults={
                "starts_on": starts,
                "ends_on": ends,
                "rate_under_100k": Decimal(under),
                "rate_over_100k": Decimal(over) if over else None,
                "cms_approved_on": starts,
                "note": " ".join(filter(None, [note, NO_APPROVAL_DATE])),
            },
        )
