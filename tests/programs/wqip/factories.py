"""Factories for payment tests: exhibits, per diems, bed-day results, citations."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from portal.audit.services import latest_revision_id
from portal.models import Facility
from programs.wqip.models import (
    BedDayComputation,
    BedDaySummary,
    Citation,
    PerDiem,
    PerDiemExhibit,
)
from tests.factories import FacilityFactory


class PerDiemExhibitFactory(factory.django.DjangoModelFactory[PerDiemExhibit]):
    class Meta:
        model = PerDiemExhibit
        django_get_or_create = ("program_year", "kind")

    program_year = 2024
    kind = "interim"
    received_on = datetime.date(2025, 5, 12)
    imported_at = factory.LazyFunction(timezone.now)


class PerDiemFactory(factory.django.DjangoModelFactory[PerDiem]):
    class Meta:
        model = PerDiem

    exhibit = factory.SubFactory(PerDiemExhibitFactory)
    facility = factory.SubFactory(FacilityFactory)
    per_diem = Decimal("20.0000")


class CitationFactory(factory.django.DjangoModelFactory[Citation]):
    class Meta:
        model = Citation

    penalty_number = factory.Sequence(lambda n: f"3000{n:05d}")
    facility = factory.SubFactory(FacilityFactory)
    facid = factory.LazyAttribute(lambda o: o.facility.cdph_facid)
    violation_from_date = datetime.date(2024, 3, 1)
    penalty_issue_date = datetime.date(2024, 5, 1)
    class_initial = "A"
    class_final = ""


def finished_computation(program_year: int = 2024) -> BedDayComputation:
    """A finished bed-day computation that has seen every revision so far."""
    return BedDayComputation.objects.create(
        program_year=program_year,
        status=BedDayComputation.Status.FINISHED,
        finished_at=timezone.now(),
        revision_id=latest_revision_id(program_year=program_year),
    )


def bed_days(
    facility: Facility,
    qualifying_days: int,
    *,
    program_year: int = 2024,
    latest_received_on: datetime.date | None = None,
) -> BedDaySummary:
    computation = BedDayComputation.objects.filter(
        program_year=program_year, status="finished"
    ).first() or finished_computation(program_year)
    return BedDaySummary.objects.update_or_create(
        facility=facility,
        program_year=program_year,
        defaults={
            "computation": computation,
            "qualifying_days": qualifying_days,
            "latest_qualifying_received_on": latest_received_on,
        },
    )[0]


def wqip_run_parameters(exhibit: PerDiemExhibit) -> dict[str, Any]:
    """``PaymentRun.parameters`` of a WQIP run of the exhibit (what WqipCalculator stores)."""
    return {
        "exhibit_id": exhibit.pk,
        "exhibit_received_on": exhibit.received_on.isoformat(),
        "citation_date_field": "VIOLATION_FROM_DATE",
        "class_a_mode": "once",
    }
