"""The worked examples of the calculation contract, through the management commands, byte for
byte (contract examples README, "Reproduce")."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from programs.wqip.models import BedDaySummary
from tests.programs.wqip.claims_helpers import exported_bed_days


@pytest.fixture
def computed_examples(examples_dir):
    call_command("import_facilities", str(examples_dir / "facilities.csv"), stdout=io.StringIO())
    call_command("import_claims", str(examples_dir / "claims.csv"), stdout=io.StringIO())
    call_command("compute_bed_days", "--program-year", "2024", stdout=io.StringIO())
    return examples_dir


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ([], "expected_bed_days.csv"),
        (["--by-reason"], "expected_bed_days_by_reason.csv"),
    ],
)
def test_given_examples_when_exported_then_identical_to_expected_file(
    computed_examples, tmp_path, options, expected
):
    # given computed_examples
    # when
    exported = exported_bed_days(tmp_path / "out.csv", *options)
    # then
    assert exported == (computed_examples / expected).read_bytes()


@pytest.mark.django_db
def test_given_examples_when_computed_twice_then_same_export(computed_examples, tmp_path):
    # given
    first = exported_bed_days(tmp_path / "first.csv", "--by-reason")
    # when
    call_command("import_claims", str(computed_examples / "claims.csv"), stdout=io.StringIO())
    call_command("compute_bed_days", "--program-year", "2024", stdout=io.StringIO())
    second = exported_bed_days(tmp_path / "second.csv", "--by-reason")
    # then
    assert first == second
    assert BedDaySummary.objects.filter(program_year=2024).count() == 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("npi", "latest"),
    [
        ("1427051986", "2025-06-20"),  # A: C0038, the duplicate of case 21
        ("1639412075", "2025-06-10"),  # C: C0045
        ("1583306422", "2024-04-01"),  # B: C0051
        ("1845673023", None),  # E: ineligible, nothing qualifies
    ],
)
def test_given_examples_when_computed_then_latest_qualifying_received_on(
    computed_examples, npi, latest
):
    # when
    summary = BedDaySummary.objects.get(facility__npi=npi, program_year=2024)
    # then
    value = summary.latest_qualifying_received_on
    assert (value.isoformat() if value else None) == latest
