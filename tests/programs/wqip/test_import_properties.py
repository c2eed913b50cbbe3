"""Every WQIP importer keeps its promise on mutated files (issue 22 item 6): imported whole,
or refused with errors naming a line, nothing stored, no other exception. 200 examples each."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from hypothesis import given

from portal.audit.models import AuditEvent
from programs.wqip.models import Citation, ClaimLine, OptIn, PerDiem
from programs.wqip.services.citations import import_citations
from programs.wqip.services.claims_import import import_claims
from programs.wqip.services.opt_in_import import import_opt_ins
from programs.wqip.services.per_diems import import_per_diems
from tests.factories import FacilityFactory
from tests.import_mutations import (
    IMPORT_PROPERTY_SETTINGS,
    check_whole_or_refused,
    mutated,
    rolled_back,
)
from tests.programs.wqip.claims_helpers import claims_csv

pytestmark = pytest.mark.django_db

NPIS = ("1500000009", "1500000017", "1500000025")
FACIDS = ("800000000", "800000001", "800000002")


@pytest.fixture
def registry(db):  # type: ignore[no-untyped-def]
    return [
        FacilityFactory.create(npi=npi, cdph_facid=facid)
        for npi, facid in zip(NPIS, FACIDS, strict=True)
    ]


def counting(model: type) -> Callable[[], tuple[int, ...]]:
    return lambda: (model.objects.count(), AuditEvent.objects.count())  # type: ignore[attr-defined]


CLAIMS = claims_csv(
    {
        "claim_id": f"K{n:04d}",
        "member_id": f"M{n:07d}",
        "facility_npi": NPIS[n % 3],
        "paid_amount": f"{100 + n}.25",
    }
    for n in range(8)
).encode()
PER_DIEMS = (
    "facility_npi,per_diem\n" + "".join(f"{n},19.875{i}\n" for i, n in enumerate(NPIS))
).encode()
CITATIONS = (
    "FACID,FACILITY_NAME,PENALTY_NUMBER,PENALTY_ISSUE_DATE,VIOLATION_FROM_DATE,"
    "CLASS_ASSESSED_INITIAL,CLASS_ASSESSED_FINAL\n"
    + "".join(
        f"{f},Seaside,{i + 1},2024-03-0{i + 1},2024-02-0{i + 1},B,B\n" for i, f in enumerate(FACIDS)
    )
).encode()
OPT_INS = (
    "facility_npi,program_year,status\n"
    + "".join(
        f"{n},2024,{s}\n" for n, s in zip(NPIS, ("APPROVED", "REJECTED", "SUBMITTED"), strict=True)
    )
).encode()


@IMPORT_PROPERTY_SETTINGS
@given(data=mutated(CLAIMS))
def test_given_mutated_claims_file_when_imported_then_whole_or_refused_by_line(
    registry, tmp_path, data
):
    path = tmp_path / "claims.csv"
    path.write_bytes(data)
    with rolled_back():
        before = ClaimLine.objects.count()
        outcome, summary = check_whole_or_refused(
            lambda: import_claims(path=path), counting(ClaimLine)
        )
        if outcome == "imported":
            assert ClaimLine.objects.count() - before == summary.lines_added
            assert summary.lines_added + summary.lines_unchanged == summary.lines_read


@IMPORT_PROPERTY_SETTINGS
@given(data=mutated(PER_DIEMS))
def test_given_mutated_per_diem_file_when_imported_then_whole_or_refused_by_line(
    registry, tmp_path, data
):
    path = tmp_path / "per_diems.csv"
    path.write_bytes(data)
    with rolled_back():
        outcome, summary = check_whole_or_refused(
            lambda: import_per_diems(
                path=path, program_year=2024, kind="interim", received_on=datetime.date(2024, 5, 1)
            ),
            counting(PerDiem),
        )
        if outcome == "imported":
            assert PerDiem.objects.count() == summary.created


@IMPORT_PROPERTY_SETTINGS
@given(data=mutated(CITATIONS))
def test_given_mutated_citations_file_when_imported_then_whole_or_refused_by_line(
    registry, tmp_path, data
):
    path = tmp_path / "citations.csv"
    path.write_bytes(data)
    with rolled_back():
        outcome, summary = check_whole_or_refused(
            lambda: import_citations(path=path), counting(Citation)
        )
        if outcome == "imported":
            assert Citation.objects.count() == summary.created


@IMPORT_PROPERTY_SETTINGS
@given(data=mutated(OPT_INS))
def test_given_mutated_opt_ins_file_when_imported_then_whole_or_refused_by_line(
    registry, tmp_path, data
):
    path = tmp_path / "opt_ins.csv"
    path.write_bytes(data)
    with rolled_back():
        outcome, summary = check_whole_or_refused(
            lambda: import_opt_ins(path=path), counting(OptIn)
        )
        if outcome == "imported":
            assert OptIn.objects.count() == summary.created
