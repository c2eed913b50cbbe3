"""ECM providers, their users and files for tests."""

from __future__ import annotations

import datetime
from typing import Any

from portal.models import Organisation, OrganisationKind, Role, User
from programs.ecm.engine.deadlines import PACIFIC
from programs.ecm.intake import samples
from programs.ecm.intake.columns import OTF, RTF
from programs.ecm.models import MeasurementYear
from programs.ecm.services import intake
from tests.factories import UserFactory

PROVIDERS = {
    "harbor": ("Harbor Care Management", "1234567893", "941234567"),
    "valley": ("Valley Community ECM", "1987654328", "942222222"),
}


def make_provider(key: str = "harbor") -> Organisation:
    name, npi, tin = PROVIDERS[key]
    provider, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.ECM_PROVIDER, npi=npi, defaults={"name": name, "tin": tin}
    )
    return provider


def make_provider_user(
    provider: Organisation, *, role: str = Role.ECM_PROVIDER_ADMIN, email: str = ""
) -> User:
    return UserFactory.create(
        email=email or f"{role}.{provider.npi}@ecm.example.test", role=role, facilities=[provider]
    )


def pacific(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PACIFIC)


def rtf_content(provider: Organisation, year: int, month: int, members: int, **extra: Any) -> bytes:
    rows = samples.rtf_rows(
        year=year,
        month=month,
        npi=provider.npi,
        tin=provider.tin,
        provider_name=provider.name,
        members=members,
        **extra,
    )
    return samples.to_csv(RTF, rows)


def otf_content(provider: Organisation, year: int, month: int, attempts: int) -> bytes:
    rows = samples.otf_rows(
        year=year,
        month=month,
        npi=provider.npi,
        tin=provider.tin,
        provider_name=provider.name,
        attempts=attempts,
    )
    return samples.to_csv(OTF, rows)


def send(
    monkeypatch: Any,
    *,
    provider: Organisation,
    user: User,
    year: MeasurementYear,
    month: int,
    kind: str,
    content: bytes,
    at: datetime.datetime,
) -> Any:
    monkeypatch.setattr(intake, "now", lambda: at)
    return intake.accept_report(
        provider=provider,
        measurement_year=year,
        month=month,
        kind=kind,
        content=content,
        file_name=f"{kind}_{year.year}_{month:02d}.csv",
        actor=user,
    )
