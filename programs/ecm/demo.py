"""ECM QIP demo data for ``make run`` (idempotent): measurement years 2025 (the guide's
timeliness model) and 2026 (100-point model, linear, 5% cap), a year of RTF and OTF files for
both demo ECM providers (portal.demo.DEMO_ECM_PROVIDERS) with one late month (Cedar Street's
June 2025 RTF, two days late), the 2026 files up to October and a reimbursement base."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from portal.models import Organisation, OrganisationKind, Role, User
from programs.ecm.engine.deadlines import PACIFIC, next_month
from programs.ecm.intake import samples
from programs.ecm.models import MeasurementYear, ReimbursementBase, ReportFile
from programs.ecm.services.intake import accept_report
from programs.ecm.services.settings import MeasureSetting, create_year, save_year_settings

LATE = {("1520000013", 2025, 6)}  # Cedar Street's June 2025 RTF: received 12 July
MEMBERS = {"1520000013": 60, "1520000021": 45}
REIMBURSEMENT_2026 = {"1520000013": Decimal("480000.00"), "1520000021": Decimal("300000.00")}
LAST_2026_MONTH = 10


def _manager() -> User:
    manager = User.objects.filter(role=Role.ECM_PROGRAM_MANAGER).order_by("id").first()
    manager = manager or User.objects.filter(role=Role.PROGRAM_ADMIN).order_by("id").first()
    if manager is None:
        raise RuntimeError("load the portal's demo users first")
    return manager


def _year(year: int, manager: User) -> MeasurementYear:
    found = MeasurementYear.objects.filter(year=year).first()
    if found is not None:
        return found
    created = create_year(year=year, actor=manager)
    if year >= 2026:
        values = {
            name: getattr(created, name)
            for name in (
                "rate_per_member_month",
                "cap_amount",
                "due_day",
                "due_in_working_days",
                "mcp_id",
                "codes",
                "counted_statuses",
            )
        }
        values.update(scoring_model="points", score_mapping="linear", cap_percent=Decimal("5"))
        save_year_settings(
            measurement_year=created,
            values=values,
            measures=[
                MeasureSetting("rtf_timely", points=25, target=Decimal("1")),
                MeasureSetting("otf_timely", points=15, target=Decimal("1")),
                MeasureSetting("encounter_in_month", points=30, target=Decimal("0.75")),
                MeasureSetting("care_plan_current", points=30, target=Decimal("0.90")),
            ],
            bands=[],
            actor=manager,
        )
    return created


def _files(provider: Organisation, year: MeasurementYear, months: range, manager: User) -> int:
    sent = 0
    for month in months:
        due_year, due_month = next_month(year.year, month)
        late = (provider.npi, year.year, month) in LATE
        for kind in ("rtf", "otf"):
            day = 12 if late and kind == "rtf" else 6
            if kind == "rtf":
                content = samples.to_csv(
                    kind,
                    samples.rtf_rows(
                        year=year.year,
                        month=month,
                        npi=provider.npi,
                        tin=provider.tin,
                        provider_name=provider.name,
                        members=MEMBERS.get(provider.npi, 40) + month,
                        seed=int(provider.npi[-3:]),
                    ),
                )
            else:
                content = samples.to_csv(
                    kind,
                    samples.otf_rows(
                        year=year.year,
                        month=month,
                        npi=provider.npi,
                        tin=provider.tin,
                        provider_name=provider.name,
                        attempts=20 + month,
                        seed=int(provider.npi[-3:]),
                    ),
                )
            accept_report(
                provider=provider,
                measurement_year=year,
                month=month,
                kind=kind,
                content=content,
                file_name=f"{kind}_{year.year}_{month:02d}.csv",
                actor=manager,
                received_at=datetime.datetime(due_year, due_month, day, 10, tzinfo=PACIFIC),
            )
            sent += 1
    return sent


@transaction.atomic
def load_ecm_demo_data(*, stdout: Any = None) -> str:
    providers = list(
        Organisation.objects.filter(kind=OrganisationKind.ECM_PROVIDER, npi__in=MEMBERS).order_by(
            "name"
        )
    )
    if not providers:
        return "ECM QIP: no demo ECM provider"
    if ReportFile.objects.filter(provider__in=providers).exists():
        return "ECM QIP: already loaded"
    manager = _manager()
    y2025, y2026 = _year(2025, manager), _year(2026, manager)
    for provider in providers:
        ReimbursementBase.objects.get_or_create(
            provider=provider,
            measurement_year=y2026,
            defaults={
                "amount": REIMBURSEMENT_2026.get(provider.npi, Decimal("250000")),
                "imported_by": manager,
            },
        )
    sent = sum(_files(p, y2025, range(1, 13), manager) for p in providers)
    sent += sum(_files(p, y2026, range(1, LAST_2026_MONTH + 1), manager) for p in providers)
    message = f"ECM QIP: {sent} files for {len(providers)} providers (2025, 2026)"
    if stdout is not None:
        stdout.write(message + "\n")
    return message
