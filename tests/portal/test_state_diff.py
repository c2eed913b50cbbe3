"""What a newer listing would change (issue 24, review before apply): new facilities, closed
licences, changed names, beds and STP beds, eligibility flips; curated attributes kept."""

from __future__ import annotations

from dataclasses import replace

from portal.registry.state_diff import (
    CHANGED,
    CLOSED,
    MISSING,
    NEW,
    NOT_IN_LISTING,
    REOPENED,
    Current,
    diff_registry,
)
from portal.registry.state_files import ICF_DD, SNF, ListedFacility

NPI_A, NPI_B, NPI_C = "1427051986", "1583306422", "1639412075"

HARBOR = Current(
    id=1, name="HARBOR VIEW CARE", npi=NPI_A, cdph_facid="060000215", hcai_id="206190001",
    ccn="055001", facility_type="SUBACUTE_ADULT_FREESTANDING", licensed_beds=99, stp_beds=19,
    licence_status="OPEN / ACTIVE", county="Los Angeles", address="1 MAIN ST, LOS ANGELES 90001",
)  # fmt: skip
VALLEY = Current(
    id=2, name="VALLEY CENTER", npi=NPI_B, cdph_facid="930000101", hcai_id="206191234",
    ccn="", facility_type="NF_B_FREESTANDING", licensed_beds=40, stp_beds=0,
    licence_status="OPEN / ACTIVE", county="Los Angeles", address="1 MAIN ST, LOS ANGELES 90001",
)  # fmt: skip


def listed(current: Current, **changes) -> ListedFacility:  # type: ignore[no-untyped-def]
    record = ListedFacility(
        line=2, facid=current.cdph_facid, name=current.name, kind=SNF, hcai_id=current.hcai_id,
        npi=current.npi, ccn=current.ccn, status="OPEN", licence_status="ACTIVE",
        county="LOS ANGELES", address=current.address, licensed_beds=current.licensed_beds,
        stp_beds=current.stp_beds,
    )  # fmt: skip
    return replace(record, **changes)


def test_given_same_listing_when_diffed_then_nothing_changes():
    # when
    diff = diff_registry([HARBOR, VALLEY], [listed(HARBOR), listed(VALLEY)])
    # then
    assert diff.is_empty
    assert diff.unchanged == 2


def test_given_newer_listing_when_diffed_then_each_kind_of_change_with_counts():
    # given: Harbor renamed and 10 more STP beds; Valley's beds all become STP (eligibility
    # flips); a new SNF; Pine's licence closed
    pine = replace(VALLEY, id=3, name="PINE SNF", npi=NPI_C, cdph_facid="060000300",
                   hcai_id="206190004")  # fmt: skip
    records = [
        listed(HARBOR, name="HARBOR VIEW POST-ACUTE", stp_beds=29),
        listed(VALLEY, stp_beds=40),
        ListedFacility(
            line=5,
            facid="070000001",
            name="NEW SNF",
            kind=SNF,
            npi="1234567893",
            hcai_id="206199999",
            licensed_beds=60,
            status="OPEN",
            licence_status="ACTIVE",
        ),
        listed(pine, licence_status="INACTIVE"),
    ]
    # when
    diff = diff_registry([HARBOR, VALLEY, pine], records)
    # then
    assert diff.counts() == {
        NEW: 1, CHANGED: 2, CLOSED: 1, REOPENED: 0, MISSING: 0, "eligibility_flips": 1,
        "unchanged": 0, "not_added": 0,
    }  # fmt: skip
    by_name = {c.name: c for c in diff.changes}
    harbor = by_name["HARBOR VIEW CARE"]
    assert harbor.changes == {
        "name": ["HARBOR VIEW CARE", "HARBOR VIEW POST-ACUTE"],
        "stp_beds": [19, 29],
    }
    assert not harbor.eligibility_flips
    # the curated type (adult subacute) is not in the state's files: untouched
    assert "facility_type" not in harbor.changes
    valley = by_name["VALLEY CENTER"]
    assert (valley.eligible_before, valley.eligible_after) == (True, False)
    assert by_name["PINE SNF"].changes["licence_active"] == [True, False]
    new = by_name["NEW SNF"]
    assert (new.kind, new.values["facility_type"], new.eligible_after) == (
        NEW, "NF_B_FREESTANDING", True,
    )  # fmt: skip
    assert [c.kind for c in diff.changes] == [NEW, CLOSED, CHANGED, CHANGED]


def test_given_facility_absent_from_listing_when_diffed_then_marked_missing_not_removed():
    # when
    diff = diff_registry([HARBOR, VALLEY], [listed(HARBOR)])
    # then
    (change,) = diff.changes
    assert (change.kind, change.facility_id) == (MISSING, VALLEY.id)
    assert change.values == {"licence_status": NOT_IN_LISTING, "licence_active": False}


def test_given_missing_facility_back_in_listing_when_diffed_then_reopened():
    # given
    gone = replace(VALLEY, licence_status=NOT_IN_LISTING, licence_active=False)
    # when
    diff = diff_registry([gone], [listed(VALLEY)])
    # then
    assert [c.kind for c in diff.changes] == [REOPENED]


def test_given_facid_changed_when_diffed_then_matched_by_hcai_id_and_facid_updated():
    # when
    diff = diff_registry([HARBOR], [listed(HARBOR, facid="060000999")])
    # then
    (change,) = diff.changes
    assert change.facility_id == HARBOR.id
    assert change.changes == {"cdph_facid": ["060000215", "060000999"]}


def test_given_licence_becomes_icf_dd_when_diffed_then_type_changes_and_eligibility_flips():
    # when
    diff = diff_registry([VALLEY], [listed(VALLEY, kind=ICF_DD)])
    # then
    (change,) = diff.changes
    assert change.changes["facility_type"] == ["NF_B_FREESTANDING", "ICF_DD"]
    assert change.eligibility_flips


def test_given_different_npi_in_state_files_when_diffed_then_plans_npi_kept_with_note():
    # when
    diff = diff_registry([HARBOR], [listed(HARBOR, npi=NPI_C, name="X")])
    # then
    (change,) = diff.changes
    assert "npi" not in change.changes
    assert any(NPI_C in note for note in change.notes)


def test_given_crosswalk_without_hcai_id_when_diffed_then_hcai_id_kept():
    # when
    diff = diff_registry([HARBOR], [listed(HARBOR, hcai_id="", ccn="")])
    # then
    assert diff.is_empty


def test_given_new_facility_without_npi_when_diffed_then_listed_as_not_added():
    # when
    diff = diff_registry([], [ListedFacility(line=7, facid="070000002", name="NO NPI", kind=SNF)])
    # then
    assert diff.changes == []
    assert [(n["cdph_facid"], n["line"]) for n in diff.not_added] == [("070000002", 7)]
    assert "no NPI" in diff.not_added[0]["reason"]


def test_given_two_new_facilities_with_one_npi_when_diffed_then_second_not_added():
    # given
    first = ListedFacility(line=8, facid="070000003", name="FIRST", kind=SNF, npi=NPI_C)
    second = ListedFacility(line=9, facid="070000004", name="SECOND", kind=SNF, npi=NPI_C)
    # when
    diff = diff_registry([], [first, second])
    # then
    assert [c.name for c in diff.changes] == ["FIRST"]
    assert diff.not_added[0]["line"] == 9
    assert "already another facility's" in diff.not_added[0]["reason"]
