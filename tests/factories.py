"""factory_boy factories shared by every test package."""

from __future__ import annotations

import factory

from portal.models import (
    Facility,
    FacilityType,
    Organisation,
    OrganisationKind,
    OrganisationMembership,
    Role,
    User,
)
from programs.wqip.models import (
    OptIn,
    ProgramYear,
)

TEST_PASSWORD = "Correct-Horse-Battery-9"


def luhn_npi(prefix9: str) -> str:
    """Complete a 9-digit NPI prefix with its check digit."""
    digits = [int(c) for c in "80840" + prefix9]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return prefix9 + str((10 - total % 10) % 10)


class FacilityFactory(factory.django.DjangoModelFactory[Facility]):
    class Meta:
        model = Facility
        django_get_or_create = ("npi",)

    npi = factory.Sequence(lambda n: luhn_npi(f"1{n:08d}"))
    hcai_id = factory.Sequence(lambda n: f"206{n:06d}")
    cdph_facid = factory.Sequence(lambda n: f"9{n:08d}")
    name = factory.Sequence(lambda n: f"Facility {n} Care Center")
    facility_type = FacilityType.NF_B_FREESTANDING
    licensed_beds = 99
    stp_beds = 0
    county = "Los Angeles"
    email = factory.Sequence(lambda n: f"facility{n}@example.test")


class EcmProviderFactory(factory.django.DjangoModelFactory[Organisation]):
    """A provider organisation of kind ECM provider (NPI and TIN, no beds)."""

    class Meta:
        model = Organisation
        django_get_or_create = ("npi",)

    kind = OrganisationKind.ECM_PROVIDER
    npi = factory.Sequence(lambda n: luhn_npi(f"15{n:07d}"))
    tin = factory.Sequence(lambda n: f"95{n:07d}")
    name = factory.Sequence(lambda n: f"ECM Provider {n}")
    county = "Los Angeles"
    email = factory.Sequence(lambda n: f"ecm{n}@example.test")


def _add_memberships(
    user: User, create: bool, extracted: list[Organisation] | None, **kwargs: object
) -> None:
    """``UserFactory.create(facilities=[...])``: the user's memberships in those organisations
    (facilities or other providers), and the password saved."""
    if create and extracted:
        for facility in extracted:
            OrganisationMembership.objects.get_or_create(user=user, organisation=facility)
    if create:
        user.save()


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Sequence(lambda n: f"User {n}")
    role = Role.FACILITY_STAFF
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)
    facilities = factory.PostGeneration(_add_memberships)


class OptInFactory(factory.django.DjangoModelFactory[OptIn]):
    class Meta:
        model = OptIn

    facility = factory.SubFactory(FacilityFactory)
    program_year = factory.LazyFunction(lambda: ProgramYear.objects.get(year=2024))
    status = OptIn.Status.APPROVED
