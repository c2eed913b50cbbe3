"""The IPP catalogue importer keeps its promise on mutated files: imported whole, or refused
with errors naming a line and nothing written."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from hypothesis import given

from portal.audit.models import AuditEvent
from portal.models import Role
from programs.ipp.models import IppMeasure, IppProgramYear, IppSubmission
from programs.ipp.services.catalogue import import_catalogue
from tests.factories import UserFactory
from tests.import_mutations import (
    IMPORT_PROPERTY_SETTINGS,
    check_whole_or_refused,
    mutated,
    rolled_back,
)

pytestmark = pytest.mark.django_db

CATALOGUE = (
    b"program_year,submission,measure,priority_area,domain,name,mandatory,kind,points,tiers\n"
    b"1,2-A,1A-1,1,1A,Closed-loop referral,yes,p4r,200,\n"
    b"1,2-A,3B-1,3,3B,Supports network,yes,p4p,450,Full:450;Most:300\n"
    b"1,2-A,4A-2,4,4A,Disparities baseline,no,p4r,150,\n"
)


def counts() -> tuple[int, ...]:
    return (IppMeasure.objects.count(), AuditEvent.objects.count())


@IMPORT_PROPERTY_SETTINGS
@given(data=mutated(CATALOGUE))
def test_given_mutated_catalogue_when_imported_then_whole_or_refused_by_line(data: bytes) -> None:
    admin = UserFactory.create(role=Role.PROGRAM_ADMIN)
    with rolled_back():
        year = IppProgramYear.objects.create(
            number=1,
            label="PY1",
            starts_on=datetime.date(2022, 1, 1),
            ends_on=datetime.date(2022, 12, 31),
        )
        IppSubmission.objects.create(
            program_year=year, code="2-A", max_allocation=Decimal("10000000")
        )
        outcome, result = check_whole_or_refused(
            lambda: import_catalogue(handle=io.BytesIO(data), actor=admin), counts
        )
        if outcome == "imported":
            assert IppMeasure.objects.count() == result >= 1
