"""The QAF importers (months of a facility, the rate table) keep their promise on mutated
files: imported whole, or refused with errors naming a line and nothing written."""

from __future__ import annotations

import datetime
import io

import pytest
from hypothesis import given

from portal.audit.models import AuditEvent
from portal.models import Role
from programs.qaf.models import QafDeclaration, QafRateAdjustment, QafRateYear
from programs.qaf.services.declarations import import_declarations
from programs.qaf.services.rates import import_rate_years
from tests.factories import FacilityFactory, UserFactory
from tests.import_mutations import (
    IMPORT_PROPERTY_SETTINGS,
    check_whole_or_refused,
    mutated,
    rolled_back,
)

pytestmark = pytest.mark.django_db

MONTHS = b"month,total_resident_days,medicare_days\n" + b"".join(
    f"2024-{m:02d},{3000 + m},{m * 10}\n".encode() for m in range(1, 7)
)
RATES = (
    b"rate_year,starts_on,ends_on,rate_under_100k,rate_over_100k,cms_approved_on,note\n"
    b"2025,2025-01-01,2025-12-31,20.93,19.46,2025-05-15,guessed\n"
    b"2026,2026-01-01,2026-12-31,21.40,19.90,,\n"
)


def counts() -> tuple[int, ...]:
    return (
        QafDeclaration.objects.count(),
        QafRateYear.objects.count(),
        QafRateAdjustment.objects.count(),
        AuditEvent.objects.count(),
    )


@IMPORT_PROPERTY_SETTINGS
@given(data=mutated(MONTHS))
def test_given_mutated_months_file_when_imported_then_whole_or_refused_by_line(data: bytes) -> None:
    facility = FacilityFactory.create()
    user = UserFactory.create(role=Role.FACILITY_ADMIN, facilities=[facility])
    with rolled_back():
        outcome, result = check_whole_or_refused(
            lambda: import_declarations(
                facility=facility,
                handle=io.BytesIO(data),
                actor=user,
                today=datetime.date(2024, 8, 1),
            ),
            counts,
        )
        if outcome == "imported":
            assert QafDeclaration.objects.filter(facility=facility).count() == len(result) >= 1


@IMPORT_PROPERTY_SETTINGS
@given(data=mutated(RATES))
def test_given_mutated_rates_file_when_imported_then_whole_or_refused_by_line(data: bytes) -> None:
    admin = UserFactory.create(role=Role.PROGRAM_ADMIN)
    with rolled_back():
        outcome, result = check_whole_or_refused(
            lambda: import_rate_years(handle=io.BytesIO(data), actor=admin), counts
        )
        if outcome == "imported":
            assert len(result) >= 1
