"""QAF demo data for ``make run``: the demo facilities declare every month of 2024 and pay it;
Oak Grove paid June 2024 late (so its page shows the delinquency timeline). Idempotent: runs
only while the demo facilities have no declaration."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal
from typing import TextIO

from portal.demo import DEMO_FACILITY_NPIS
from portal.models import Facility, User
from programs.qaf.models import QafDeclaration
from programs.qaf.services.declarations import declare_month, record_payment

DEMO_YEAR = 2024
LATE = ("1583306422", 6)  # Oak Grove, June 2024
LATE_DAYS = 75  # paid 75 days after the due date: past the notice and into interest
OCCUPANCY = Decimal("0.88")
MEDICARE_SHARE = Decimal("0.12")


def _days(beds: int, month: int) -> tuple[int, int]:
    """A plausible census: beds x days of the month x 88% occupancy (+ a little by month),
    12% of it Medicare."""
    days_in_month = calendar.monthrange(DEMO_YEAR, month)[1]
    total = int(beds * days_in_month * (OCCUPANCY + Decimal(month % 3) / 100))
    return total, int(total * MEDICARE_SHARE)


def load_qaf_demo_data(*, stdout: TextIO | None = None) -> str:
    facilities = list(Facility.objects.filter(npi__in=DEMO_FACILITY_NPIS).order_by("npi"))
    if not facilities or QafDeclaration.objects.filter(facility__in=facilities).exists():
        return "QAF demo data: already loaded" if facilities else "QAF demo data: no facilities"
    declared = 0
    for facility in facilities:
        actor = (
            User.objects.filter(memberships__organisation=facility, role="facility_admin").first()
            or User.objects.filter(email="admin@harborview.demo").first()
        )
        if actor is None:
            continue
        beds = facility.licensed_beds or 99
        for month in range(1, 13):
            total, medicare = _days(beds, month)
            first = datetime.date(DEMO_YEAR, month, 1)
            due = datetime.date(
                DEMO_YEAR + (month == 12),
                month % 12 + 1,
                calendar.monthrange(DEMO_YEAR + (month == 12), month % 12 + 1)[1],
            )
            declaration = declare_month(
                facility=facility,
                month=first,
                total_days=total,
                medicare_days=medicare,
                actor=actor,
                today=due - datetime.timedelta(days=12),
            )
            late = (facility.npi, month) == LATE
            paid_on = due + datetime.timedelta(days=LATE_DAYS if late else -5)
            record_payment(
                declaration=declaration,
                paid_on=paid_on,
                amount=declaration.fee,
                method="eft",
                reference=f"EFT-{facility.npi[-4:]}-{DEMO_YEAR}{month:02d}",
                actor=actor,
                today=paid_on,
            )
            declared += 1
    summary = f"QAF demo data: {declared} months declared and paid (one late)"
    if stdout is not None:
        stdout.write(summary + "\n")
    return summary
