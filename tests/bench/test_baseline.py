"""The plain-SQL baseline of `make bench` (tests/bench/baseline.py) exports the same bytes as the
project's `export_bed_days`, so the ratio `make bench` prints compares like with like."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from portal.models import Facility
from portal.registry.services import bulk_create_facilities
from tests.bench import baseline
from tests.bench.generator import YEAR, facilities, write_claims_file
from tests.programs.wqip.claims_helpers import exported_bed_days


def _baseline_export(claims: Path, out: Path, *, year: int, by_reason: bool) -> bytes:
    connection.ensure_connection()
    conn = connection.connection  # the test's transaction: the baseline sees its facilities
    baseline.import_claims(conn, claims)
    baseline.compute(conn, year=year)
    baseline.export(conn, year=year, out=out, by_reason=by_reason)
    return out.read_bytes()


@pytest.mark.django_db
@pytest.mark.parametrize("by_reason", [False, True])
def test_given_worked_examples_when_baseline_exports_then_same_bytes_as_project(
    examples_dir, tmp_path, by_reason
):
    # given
    call_command("import_facilities", str(examples_dir / "facilities.csv"), stdout=io.StringIO())
    call_command("import_claims", str(examples_dir / "claims.csv"), stdout=io.StringIO())
    call_command("compute_bed_days", "--program-year", "2024", stdout=io.StringIO())
    options = ["--by-reason"] if by_reason else []
    project = exported_bed_days(tmp_path / "project.csv", *options)
    # when
    exported = _baseline_export(
        examples_dir / "claims.csv", tmp_path / "baseline.csv", year=2024, by_reason=by_reason
    )
    # then
    assert exported == project
    expected = "expected_bed_days_by_reason.csv" if by_reason else "expected_bed_days.csv"
    assert exported == (examples_dir / expected).read_bytes()


@pytest.mark.django_db
@pytest.mark.parametrize("by_reason", [False, True])
def test_given_generated_claims_when_baseline_exports_then_same_bytes_as_project(
    tmp_path, by_reason
):
    # given 20,000 lines of the benchmark's generator: forks, chains, voids, every reason
    bulk_create_facilities(Facility(**row) for row in facilities())
    claims = tmp_path / "claims.csv"
    write_claims_file(claims, 20_000)
    call_command("import_claims", str(claims), stdout=io.StringIO())
    call_command("compute_bed_days", "--program-year", str(YEAR), stdout=io.StringIO())
    options = ["--by-reason"] if by_reason else []
    project = exported_bed_days(tmp_path / "project.csv", *options)
    # when
    exported = _baseline_export(claims, tmp_path / "baseline.csv", year=YEAR, by_reason=by_reason)
    # then
    assert exported == project
    if by_reason:  # every outcome occurs in the data
        reasons = {row.split(b",")[2] for row in exported.splitlines()[1:]}
        assert reasons == {name.encode() for name in baseline.OUTCOMES}
    else:  # one row per facility and the header
        assert exported.count(b"\n") == len(facilities()) + 1
