"""The examples' command sequence (golden/examples/README.md, "Reproduce") reproduces
expected_payments_interim.csv and expected_payments_final.csv byte for byte, including the
recoupment after the late Class AA citation. Needs the bed-day commands (import_claims,
compute_bed_days) from the bed-day work."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from payments.models import LedgerEntry

pytestmark = pytest.mark.django_db


def run(*args: str) -> None:
    call_command(*args)


def test_given_examples_when_command_sequence_runs_then_payment_exports_match(
    examples_dir, tmp_path
):
    # given
    ex = examples_dir
    run("import_facilities", str(ex / "facilities.csv"))
    run("import_claims", str(ex / "claims.csv"))
    run("import_opt_ins", str(ex / "opt_ins.csv"))
    run("import_citations", str(ex / "citations.csv"))
    run(
        "import_per_diems",
        str(ex / "per_diems_interim_2024.csv"),
        "--program-year",
        "2024",
        "--exhibit",
        "interim",
        "--received-on",
        "2025-05-12",
    )
    run("compute_bed_days", "--program-year", "2024")
    # when: interim
    run("run_payments", "--program-year", "2024", "--exhibit", "interim")
    run("export_bed_days", "--program-year", "2024", "--out", str(tmp_path / "bed_days.csv"))
    run(
        "export_payments",
        "--program-year",
        "2024",
        "--exhibit",
        "interim",
        "--out",
        str(tmp_path / "payments_interim.csv"),
    )
    # then
    assert (tmp_path / "payments_interim.csv").read_bytes() == (
        ex / "expected_payments_interim.csv"
    ).read_bytes()

    # when: a year later, the citation update and the final exhibit
    run("import_citations", str(ex / "citations_update.csv"))
    run(
        "import_per_diems",
        str(ex / "per_diems_final_2024.csv"),
        "--program-year",
        "2024",
        "--exhibit",
        "final",
        "--received-on",
        "2025-12-29",
    )
    run("compute_bed_days", "--program-year", "2024")
    run("run_payments", "--program-year", "2024", "--exhibit", "final")
    run(
        "export_payments",
        "--program-year",
        "2024",
        "--exhibit",
        "final",
        "--out",
        str(tmp_path / "payments_final.csv"),
    )
    # then
    assert (tmp_path / "payments_final.csv").read_bytes() == (
        ex / "expected_payments_final.csv"
    ).read_bytes()
    final_entries = dict(
        LedgerEntry.objects.filter(run__kind="final").values_list("facility__npi", "amount")
    )
    assert final_entries == {
        "1427051986": Decimal("41.75"),
        "1583306422": Decimal("570.44"),
        "1639412075": Decimal("4.50"),
        "1711228597": Decimal("-555.00"),
    }

    # when: the final exhibit again with nothing changed
    entries_before = LedgerEntry.objects.count()
    run("run_payments", "--program-year", "2024", "--exhibit", "final")
    # then
    assert LedgerEntry.objects.count() == entries_before
