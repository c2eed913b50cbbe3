"""The registry of provider organisations. Every provider the plan pays is an ``Organisation``
of a kind; a SNF is a ``Facility``, a multi-table child that adds what only SNFs have (HCAI ID,
CDPH FACID, type, beds, WQIP eligibility: contract §1 facilities.csv). A Facility's primary key
is its Organisation's, so a reference to either names the same id."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


def npi_check_digit_ok(npi: str) -> bool:
    """NPI Luhn check: the 10 digits with the prefix 80840 pass the Luhn test."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    digits = [int(c) for c in "80840" + npi]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def validate_npi(value: str) -> None:
    if len(value) != 10 or not value.isdigit():
        raise ValidationError("NPI must be exactly 10 digits.", code="npi_format")
    if not npi_check_digit_ok(value):
        raise ValidationError("NPI check digit is wrong (Luhn check failed).", code="npi_luhn")


def validate_hcai_id(value: str) -> None:
    if len(value) != 9 or not value.isdigit():
        raise ValidationError("HCAI ID must be exactly 9 digits.", code="hcai_format")
    if not value.startswith("206"):
        raise ValidationError("HCAI ID of a SNF starts with 206.", code="hcai_prefix")


def validate_tin(value: str) -> None:
    if len(value) != 9 or not value.isdigit():
        raise ValidationError("TIN must be exactly 9 digits.", code="tin_format")


class OrganisationKind(models.TextChoices):
    SNF = "snf", "Skilled nursing facility"
    ECM_PROVIDER = "ecm_provider", "ECM provider"


class Organisation(models.Model):
    """A provider organisation; users belong to organisations (accounts.OrganisationMembership)
    and see only theirs (registry.selectors.visible_organisations)."""

    kind = models.CharField(max_length=20, choices=OrganisationKind.choices, db_index=True)
    npi = models.CharField("NPI", max_length=10, unique=True, validators=[validate_npi])
    tin = models.CharField("TIN", max_length=9, blank=True, validators=[validate_tin])
    name = models.CharField(max_length=200)
    county = models.CharField(max_length=60, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.CharField(max_length=250, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.npi})"


class FacilityType(models.TextChoices):
    NF_B_FREESTANDING = "NF_B_FREESTANDING", "Freestanding SNF, Level B"
    SUBACUTE_ADULT_FREESTANDING = (
        "SUBACUTE_ADULT_FREESTANDING",
        "Adult freestanding subacute, Level B",
    )
    SUBACUTE_PEDIATRIC_FREESTANDING = (
        "SUBACUTE_PEDIATRIC_FREESTANDING",
        "Freestanding pediatric subacute",
    )
    ICF_DD = "ICF_DD", "ICF/DD home"
    NF_DISTINCT_PART = "NF_DISTINCT_PART", "Distinct-part (hospital-based) nursing facility"


ELIGIBLE_TYPES = (FacilityType.NF_B_FREESTANDING, FacilityType.SUBACUTE_ADULT_FREESTANDING)
ELIGIBILITY_RULE = Q(facility_type__in=ELIGIBLE_TYPES) & Q(stp_beds__lt=models.F("licensed_beds"))


class Facility(Organisation):
    """A SNF: an organisation of kind SNF (``save`` sets the kind)."""

    organisation_ptr = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        related_name="facility",
    )
    hcai_id = models.CharField(
        "HCAI ID", max_length=9, blank=True, validators=[validate_hcai_id], db_index=True
    )
    cdph_facid = models.CharField("CDPH FACID", max_length=20, db_index=True)
    # from the state's files (issue 24): CMS certification number and the CDPH licence
    ccn = models.CharField("CCN", max_length=6, blank=True)
    licence_status = models.CharField(max_length=60, blank=True)
    licence_active = models.BooleanField(default=True)
    facility_type = models.CharField(max_length=40, choices=FacilityType.choices)
    licensed_beds = models.PositiveIntegerField()
    stp_beds = models.PositiveIntegerField(default=0)
    # computed by PostgreSQL from the contract's eligibility rule, so SQL joins can use it
    is_wqip_eligible = models.GeneratedField(
        expression=models.Case(
            models.When(ELIGIBILITY_RULE, then=models.Value(True)),
            default=models.Value(False),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name="WQIP-eligible",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "facilities"
        constraints = [
            models.CheckConstraint(
                condition=Q(stp_beds__lte=models.F("licensed_beds")),
                name="facility_stp_beds_within_licensed",
            )
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.kind = OrganisationKind.SNF
        super().save(*args, **kwargs)

    @property
    def ineligibility_reason(self) -> str:
        if self.facility_type not in ELIGIBLE_TYPES:
            return f"Facility type {self.get_facility_type_display()} is not eligible."
        if self.stp_beds >= self.licensed_beds:
            return "All licensed beds are Special Treatment Program beds."
        return ""
