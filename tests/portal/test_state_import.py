"""Registry import from the state's files (issue 24, acceptance 1 and 2): staged, reviewed,
applied or discarded; a newer vintage changes only what changed; curated attributes and payment
history survive."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from portal.files.csvio import CsvImportError
from portal.models import AuditEvent, Facility, FacilityType, RegistryImport
from portal.registry.state_import import (
    ImportNotPending,
    StateFile,
    apply_registry_import,
    discard_registry_import,
    stage_registry_import,
)
from tests.portal.test_state_files import (
    NPI_A,
    NPI_B,
    NPI_C,
    bed_rows,
    crosswalk_rows,
    listing_rows,
)
from tests.state_files import BED_TYPES, CROSSWALK, LISTING_VINTAGES, listing_row, write_table

pytestmark = pytest.mark.django_db


def stage(tmp_path: Path, vintage: str, rows: list[dict], suffix: str = ".csv", actor=None):  # type: ignore[no-untyped-def]
    folder = tmp_path / vintage
    folder.mkdir(exist_ok=True)
    listing = write_table(folder / f"listing{suffix}", LISTING_VINTAGES[vintage], rows)
    crosswalk = write_table(folder / f"crosswalk{suffix}", CROSSWALK, crosswalk_rows())
    beds = write_table(folder / f"beds{suffix}", BED_TYPES, bed_rows())
    return stage_registry_import(
        listing=StateFile("cdph_listing", listing, f"listing_{vintage}{suffix}"),
        crosswalk=StateFile("cdph_crosswalk", crosswalk, "crosswalk.csv"),
        bed_types=StateFile("cdph_bed_types", beds, "beds.csv"),
        actor=actor,
    )


@pytest.mark.parametrize(
    ("vintage", "suffix"), [("2021", ".csv"), ("2023", ".xlsx"), ("2026", ".csv")]
)
def test_given_empty_registry_when_listing_applied_then_facilities_as_computed(
    tmp_path, vintage, suffix, analyst
):
    # given
    staged = stage(tmp_path, vintage, listing_rows(), suffix, actor=analyst)
    assert not Facility.objects.exists()  # staging changes nothing
    assert (staged.counts["new"], staged.counts["not_added"]) == (3, 1)
    # when
    apply_registry_import(registry_import=staged, actor=analyst)
    # then: Harbor 99 beds (80 SNF + 19 STP) eligible; Valley all 40 beds STP, ineligible;
    # Oak an ICF/DD home, ineligible; Pine's licence inactive
    got = {
        f.cdph_facid: (f.npi, f.hcai_id, f.facility_type, f.licensed_beds, f.stp_beds,
                       f.is_wqip_eligible, f.licence_active)
        for f in Facility.objects.all()
    }  # fmt: skip
    assert got == {
        "060000215": (NPI_A, "206190001", "NF_B_FREESTANDING", 99, 19, True, True),
        "930000101": (NPI_B, "206191234", "NF_B_FREESTANDING", 40, 40, False, True),
        "060000300": (NPI_C, "206190004", "NF_B_FREESTANDING", 50, 0, True, False),
    }
    # Oak has no NPI in either file: listed as not added, with the reason
    assert [n["cdph_facid"] for n in RegistryImport.objects.get().not_added] == ["110000123"]
    assert AuditEvent.objects.filter(action="registry.import_applied", actor=analyst).count() == 1
    assert AuditEvent.objects.filter(action="facility.updated_from_state_files").count() == 3


def newer_vintage_rows() -> list[dict]:
    """2026: Harbor renamed with 10 more STP beds; Valley's STP beds down to 30 of 40 (eligible
    now); Pine gone from the listing; a new SNF."""
    rows = listing_rows()
    rows[0]["FACNAME"] = "HARBOR VIEW POST-ACUTE"
    del rows[4]
    rows.append(
        listing_row(FACID="070000001", FACNAME="CEDAR SNF", HCAI_ID="206199999",
                    NPI="1234567893", CAPACITY=60)
    )  # fmt: skip
    return rows


def newer_beds(tmp_path: Path) -> Path:
    rows = bed_rows()
    rows[1]["BED_CAPACITY"] = 29  # Harbor: 80 + 29
    rows[2]["BED_CAPACITY"] = 30  # Valley: 30 STP ...
    rows.append({"FACID": "930000101", "BED_CAPACITY_TYPE": "SKILLED NURSING", "BED_CAPACITY": 10})
    return write_table(tmp_path / "beds_2026.csv", BED_TYPES, rows)


def test_given_older_vintage_applied_when_newer_applied_then_only_changes_and_curated_kept(
    tmp_path, analyst, payable_facility
):
    # given: a payment run posted for a facility of the registry; the 2021 vintage applied;
    # the program admin set Harbor as adult subacute and gave it an e-mail
    from payments.models import LedgerEntry, PaymentLine
    from programs.wqip.services.payments import run_payments

    run_payments(program_year=2024, exhibit_kind="interim")
    ledger_before = list(LedgerEntry.objects.values_list("facility_id", "amount").order_by("id"))
    lines_before = list(PaymentLine.objects.values_list("facility_id", "gross_amount", "status"))
    assert ledger_before == [(payable_facility.pk, Decimal("2000.00"))]
    apply_registry_import(registry_import=stage(tmp_path, "2021", listing_rows()), actor=analyst)
    harbor = Facility.objects.get(cdph_facid="060000215")
    harbor.facility_type = FacilityType.SUBACUTE_ADULT_FREESTANDING
    harbor.email = "admin@harbor.example.test"
    harbor.save()
    # when: the 2026 vintage is read
    listing = write_table(
        tmp_path / "listing_2026.csv", LISTING_VINTAGES["2026"], newer_vintage_rows()
    )
    crosswalk = write_table(tmp_path / "crosswalk_2026.csv", CROSSWALK, crosswalk_rows())
    staged = stage_registry_import(
        listing=StateFile("cdph_listing", listing, "listing_2026.csv"),
        crosswalk=StateFile("cdph_crosswalk", crosswalk, "crosswalk_2026.csv"),
        bed_types=StateFile("cdph_bed_types", newer_beds(tmp_path), "beds_2026.csv"),
        actor=analyst,
    )
    # then: the diff (payable_facility, in no state file, was marked missing by the first
    # import already: not again)
    assert staged.counts == {
        "new": 1, "changed": 2, "closed": 0, "reopened": 0, "missing": 1,
        "eligibility_flips": 1, "unchanged": 0, "not_added": 1,
    }  # fmt: skip
    by_facid = {c["cdph_facid"]: c for c in staged.changes}
    assert by_facid["060000215"]["changes"] == {
        "name": ["HARBOR VIEW CARE", "HARBOR VIEW POST-ACUTE"],
        "licensed_beds": [99, 109],
        "stp_beds": [19, 29],
    }
    valley = by_facid["930000101"]
    assert valley["changes"] == {"stp_beds": [40, 30]}
    assert (valley["eligible_before"], valley["eligible_after"]) == (False, True)
    assert by_facid["070000001"]["kind"] == "new"
    assert by_facid["060000300"]["kind"] == "missing"
    # when applied
    updated_before = Facility.objects.get(cdph_facid="060000300").updated_at
    apply_registry_import(registry_import=staged, actor=analyst)
    # then
    harbor.refresh_from_db()
    assert (harbor.name, harbor.licensed_beds, harbor.stp_beds) == (
        "HARBOR VIEW POST-ACUTE",
        109,
        29,
    )
    assert harbor.facility_type == FacilityType.SUBACUTE_ADULT_FREESTANDING  # curated kept
    assert harbor.email == "admin@harbor.example.test"
    assert Facility.objects.get(cdph_facid="930000101").is_wqip_eligible
    pine = Facility.objects.get(cdph_facid="060000300")  # kept, licence marked
    assert (pine.licence_active, pine.licence_status) == (False, "NOT IN LISTING")
    assert pine.updated_at > updated_before
    payable_facility.refresh_from_db()
    assert payable_facility.licence_active is False  # still there for its payments
    assert Facility.objects.count() == 5
    # the payment run made before is unchanged in the ledger
    assert (
        list(LedgerEntry.objects.values_list("facility_id", "amount").order_by("id"))
        == ledger_before
    )
    assert (
        list(PaymentLine.objects.values_list("facility_id", "gross_amount", "status"))
        == lines_before
    )


def test_given_same_files_again_when_staged_then_nothing_to_change(tmp_path, analyst):
    # given
    apply_registry_import(registry_import=stage(tmp_path, "2026", listing_rows()), actor=analyst)
    # when
    staged = stage(tmp_path, "2026", listing_rows())
    # then
    assert staged.changes == []
    assert staged.counts["unchanged"] == 3


def test_given_registry_changed_after_staging_when_applied_then_refused(tmp_path, analyst):
    # given
    staged = stage(tmp_path, "2026", listing_rows())
    from tests.factories import FacilityFactory

    FacilityFactory.create()
    # when
    with pytest.raises(ImportNotPending, match="registry changed"):
        apply_registry_import(registry_import=staged, actor=analyst)
    # then
    assert Facility.objects.count() == 1
    staged.refresh_from_db()
    assert staged.is_pending


def test_given_applied_import_when_applied_or_discarded_again_then_refused(tmp_path, analyst):
    # given
    staged = stage(tmp_path, "2026", listing_rows())
    apply_registry_import(registry_import=staged, actor=analyst)
    # when / then
    with pytest.raises(ImportNotPending, match="applied already"):
        apply_registry_import(registry_import=staged, actor=analyst)
    with pytest.raises(ImportNotPending, match="applied already"):
        discard_registry_import(registry_import=staged, actor=analyst)


def test_given_staged_import_when_discarded_then_registry_untouched_and_recorded(tmp_path, analyst):
    # given
    staged = stage(tmp_path, "2026", listing_rows())
    # when
    discard_registry_import(registry_import=staged, actor=analyst)
    # then
    staged.refresh_from_db()
    assert (staged.status, staged.decided_by) == ("discarded", analyst)
    assert not Facility.objects.exists()
    assert AuditEvent.objects.filter(action="registry.import_discarded").exists()


def test_given_bad_crosswalk_when_staged_then_refused_naming_file_and_nothing_stored(tmp_path):
    # given
    listing = write_table(tmp_path / "l.csv", LISTING_VINTAGES["2026"], listing_rows())
    rows = crosswalk_rows()
    rows[0]["NPI"] = "1583306423"  # Valley's NPI with a wrong check digit
    crosswalk = write_table(tmp_path / "c.csv", CROSSWALK, rows)
    # when
    with pytest.raises(CsvImportError) as caught:
        stage_registry_import(
            listing=StateFile("cdph_listing", listing, "listing.csv"),
            crosswalk=StateFile("cdph_crosswalk", crosswalk, "crosswalk_2026.csv"),
        )
    # then
    assert caught.value.source == "crosswalk_2026.csv"
    assert (caught.value.errors[0].line, caught.value.errors[0].column) == (2, "NPI")
    assert not RegistryImport.objects.exists()
