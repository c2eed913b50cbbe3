"""Provider organisations of several kinds: who sees which, per role and kind; ECM provider
administrators manage their own users; a SNF import never takes another kind's NPI."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from portal.accounts.services import invite_facility_user
from portal.files.csvio import CsvImportError
from portal.models import Facility, FacilityType, Organisation, OrganisationKind, Role
from portal.registry.selectors import visible_facilities, visible_organisations
from portal.registry.services import bulk_create_facilities, import_facilities
from tests.factories import FacilityFactory, UserFactory, luhn_npi

pytestmark = pytest.mark.django_db


def names(queryset) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(queryset.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("facility_staff", ["Alder Creek Care Center"]),
        ("other_facility_staff", ["Birchwood Subacute"]),
        ("ecm_provider_staff", ["Cedar Street Care Partners"]),
        ("ecm_provider_admin", ["Cedar Street Care Partners"]),
        ("ecm_program_manager", ["Cedar Street Care Partners", "Dogwood Community Health"]),
        (
            "finance_analyst",
            [
                "Alder Creek Care Center",
                "Birchwood Subacute",
                "Cedar Street Care Partners",
                "Dogwood Community Health",
            ],
        ),
    ],
)
def test_given_role_when_organisations_listed_then_only_its_own_kind_and_memberships(
    world, role, expected
):
    # when
    seen = visible_organisations(user=world.users[role])
    # then
    assert names(seen) == expected


@pytest.mark.parametrize(
    "role", ["ecm_provider_staff", "ecm_provider_admin", "ecm_program_manager"]
)
def test_given_ecm_role_when_facilities_listed_then_none(world, role):
    assert not visible_facilities(user=world.users[role]).exists()


def test_given_ecm_user_with_a_stray_snf_membership_when_listed_then_the_snf_stays_hidden(world):
    # given: a membership of the wrong kind (e.g. made in Django admin)
    user = world.users["ecm_provider_staff"]
    user.memberships.create(organisation=world.facility_a)
    # when / then
    assert names(visible_organisations(user=user)) == ["Cedar Street Care Partners"]
    assert not visible_facilities(user=user).exists()


def test_given_ecm_admin_when_inviting_to_own_provider_then_ecm_staff_member_created(world):
    # when
    user = invite_facility_user(
        admin=world.users["ecm_provider_admin"],
        email="new@ecm-a.example.test",
        full_name="New Ecm",
        role=Role.ECM_PROVIDER_STAFF,
        facilities=[world.ecm_provider_a],
        base_url="https://portal.example.test/",
    )
    # then
    assert user.role == Role.ECM_PROVIDER_STAFF
    assert names(visible_organisations(user=user)) == ["Cedar Street Care Partners"]


def test_given_ecm_admin_when_inviting_to_a_snf_then_refused(world):
    with pytest.raises(PermissionDenied):
        invite_facility_user(
            admin=world.users["ecm_provider_admin"],
            email="new@ecm-a.example.test",
            full_name="New Ecm",
            role=Role.ECM_PROVIDER_STAFF,
            facilities=[world.facility_a],
            base_url="https://portal.example.test/",
        )


def test_given_ecm_provider_npi_when_snf_registry_imports_it_then_row_error(world, tmp_path):
    # given
    npi = world.ecm_provider_a.npi
    path = tmp_path / "facilities.csv"
    path.write_text(
        "npi,hcai_id,cdph_facid,name,facility_type,licensed_beds,stp_beds,county\n"
        f"{npi},206000999,970000999,Same NPI,NF_B_FREESTANDING,50,0,Kern\n"
    )
    # when
    with pytest.raises(CsvImportError) as caught:
        import_facilities(path=path)
    # then
    (error,) = caught.value.errors
    assert (error.line, error.column) == (2, "npi")
    assert "ECM provider" in error.reason
    assert not Facility.objects.filter(npi=npi).exists()


def test_given_new_facilities_when_bulk_created_then_each_is_an_snf_with_its_organisations_id():
    # given
    built = [
        Facility(
            npi=luhn_npi(f"18{n:07d}"),
            hcai_id=f"2068{n:05d}",
            cdph_facid=f"8{n:08d}",
            name=f"Bulk {n}",
            facility_type=FacilityType.NF_B_FREESTANDING,
            licensed_beds=60,
            stp_beds=60 if n == 0 else 0,
        )
        for n in range(3)
    ]
    # when
    created = bulk_create_facilities(built)
    # then
    rows = Facility.objects.filter(pk__in=[f.pk for f in created]).order_by("name")
    assert [(f.name, f.kind, f.is_wqip_eligible) for f in rows] == [
        ("Bulk 0", OrganisationKind.SNF, False),
        ("Bulk 1", OrganisationKind.SNF, True),
        ("Bulk 2", OrganisationKind.SNF, True),
    ]
    assert set(
        Organisation.objects.filter(name__startswith="Bulk").values_list("pk", flat=True)
    ) == {f.pk for f in created}
    # and a factory-made facility after them gets a fresh id
    assert FacilityFactory.create().pk > max(f.pk for f in created)


def test_given_facility_when_saved_then_its_kind_is_snf():
    facility = FacilityFactory.create()
    assert Organisation.objects.get(pk=facility.pk).kind == OrganisationKind.SNF
    assert (
        UserFactory.create(facilities=[facility]).memberships.get().organisation_id == facility.pk
    )
