"""The facility registry import keeps its promise on mutated files (issue 22 item 6)."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given

from portal.audit.models import AuditEvent
from portal.models import Facility
from portal.registry.services import FACILITY_COLUMNS, import_facilities
from tests.factories import luhn_npi
from tests.import_mutations import (
    IMPORT_PROPERTY_SETTINGS,
    check_whole_or_refused,
    mutated,
    rolled_back,
)

pytestmark = pytest.mark.django_db


def valid_file() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*FACILITY_COLUMNS, "email"])
    for n in range(6):
        writer.writerow(
            [luhn_npi(f"15{n:07d}"), f"2060{n:05d}", f"8{n:08d}", f"Seaside Care {n}",
             "NF_B_FREESTANDING", "80", "0", "Orange", f"care{n}@example.test"]
        )  # fmt: skip
    return out.getvalue().encode()


def counts() -> tuple[int, ...]:
    return Facility.objects.count(), AuditEvent.objects.count()


@IMPORT_PROPERTY_SETTINGS
@given(data=mutated(valid_file()))
def test_given_mutated_facility_file_when_imported_then_whole_or_refused_by_line(tmp_path, data):
    path = tmp_path / "facilities.csv"
    path.write_bytes(data)
    with rolled_back():
        before = Facility.objects.count()
        outcome, result = check_whole_or_refused(lambda: import_facilities(path=path), counts)
        if outcome == "imported":
            assert Facility.objects.count() - before == result.created
            assert result.created + result.updated + result.unchanged >= 1
