"""Awards of IPP-funded investments are paid through payments' runs (two-person approval, the
append-only ledger): per provider organisation, whatever its kind (SNF or ECM / Community
Supports provider), the sum of its approved awards of the program year. Payment lines and ledger
entries name a ``portal.Organisation``. The core announces SNF lines; this calculator's
``schedule_posted_notices`` announces the lines of other kinds of provider (docs/ipp.md)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from payments.calculators import ComputedLine, LineColumn, PaymentCalculator, PaymentRunError
from payments.models import PaymentLine, PaymentRun
from portal.money import ZERO
from portal.notifications.services import PlannedNotice, schedule_notices

PROGRAM = "ipp"
AWARD_RUN = "award"


class IppAwardCalculator(PaymentCalculator):
    program = PROGRAM
    title = "IPP"
    verbose_title = "CalAIM Incentive Payment Program: provider investment awards"
    formula = (
        "Gross = the sum of the investments the plan awarded the provider for the program year. "
        "Net = gross \u2212 amounts already paid for this program year."
    )
    kinds = ((AWARD_RUN, "Investment awards"),)
    line_statuses = (("payable", "Awarded"),)
    line_columns = (
        LineColumn("awards", "Awards", "int", total=True),
        LineColumn("applications", "Applications", "text"),
    )
    kind_name = "Run kind"

    def program_years(self) -> list[int]:
        from programs.ipp.models import IppProgramYear

        return sorted({y.calendar_year for y in IppProgramYear.objects.all()})

    def _program_year(self, calendar_year: int) -> Any:
        from programs.ipp.models import IppProgramYear

        year = IppProgramYear.objects.filter(starts_on__year=calendar_year).first()
        if year is None:
            raise PaymentRunError(f"no IPP program year starts in {calendar_year}")
        return year

    def parameters(self, *, program_year: int, kind: str) -> dict[str, Any]:
        year = self._program_year(program_year)
        return {"ipp_program_year": year.number}

    def _awards(self, run_year: int) -> Any:
        from programs.ipp.models import IppApplication

        return IppApplication.objects.filter(
            program_year__starts_on__year=run_year,
            status=IppApplication.Status.APPROVED,
        )

    def compute_lines(self, run: PaymentRun) -> list[ComputedLine]:
        by_organisation: dict[int, list[Any]] = {}
        for application in self._awards(run.program_year).order_by("pk"):
            by_organisation.setdefault(application.organisation_id, []).append(application)
        due = timezone.localdate()
        lines = []
        for organisation_id, applications in sorted(by_organisation.items()):
            gross = sum((a.awarded_amount or ZERO for a in applications), ZERO)
            lines.append(
                ComputedLine(
                    facility_id=organisation_id,
                    status="payable",
                    gross_amount=gross,
                    due_date=due,
                    details={
                        "awards": len(applications),
                        "applications": ", ".join(f"#{a.pk}" for a in applications),
                    },
                )
            )
        return lines

    def inputs_fingerprint(self, run: PaymentRun) -> dict[str, Any]:
        total = self._awards(run.program_year).aggregate(t=Sum("awarded_amount"))["t"]
        return {
            "awards": sorted(self._awards(run.program_year).values_list("pk", flat=True)),
            "total": str(total or Decimal("0")),
        }

    def schedule_posted_notices(
        self, *, run: PaymentRun, lines: list[PaymentLine], now: datetime.datetime
    ) -> None:
        """``ipp_payment_issued`` to the users of each provider that is not a SNF (the core
        tells SNFs) whose line moves money, about that line only; no amount in the notice."""
        notices = [
            PlannedNotice(
                subject=line,
                link=reverse("payments:facility_payments", args=[line.facility.npi]),
                data={
                    "year": run.program_year,
                    "program": self.title,
                    "run_id": run.pk,
                    "is_recoupment": line.net_amount < 0,
                },
            )
            for line in lines
            if line.net_amount != 0
        ]
        schedule_notices(kind="ipp_payment_issued", due_at=now, notices=notices)
