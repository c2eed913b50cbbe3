"""ECM QIP's payment calculator: what the core's payment runs (``payments``) pay each ECM
provider for a measurement year.

A line's gross is the provider's **published months of the year scored together** (the period
of those months, the 100-point base prorated to them), exactly as the provider dashboard's
"year so far" scores them (``services.scoring.period_score``). The core nets it against what
earlier posted runs of the year paid the provider (``previously_paid``), so a resubmission or
correction that lowers an amount already paid gives a negative net: a recoupment. Approval by a
second person, the append-only ledger and the statements are the core's.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
import json
from collections import defaultdict
from typing import Any

from django.urls import reverse
from django.utils import timezone

from payments.calculators import ComputedLine, LineColumn, PaymentCalculator, PaymentRunError
from payments.models import PaymentLine, PaymentRun
from portal.models import OrganisationKind
from portal.money import ZERO
from portal.notifications.services import PlannedNotice, schedule_notices
from programs.ecm.engine import scoring
from programs.ecm.models import MeasurementYear, MonthScore, ReimbursementBase
from programs.ecm.services.scoring import period_score

PROGRAM = "ecm"
PAYABLE = "payable"
NO_MONTH = "no_published_month"
INTERIM, FINAL, SUPPLEMENTAL = "interim", "final", "supplemental"
# Days from the run's computation to the line's due date (no plan's cadence is known,
# other-programs.md §2: configuration [A]).
PAYMENT_DUE_DAYS = 30


def month_span(months: list[int]) -> str:
    """'Jan\u2013Mar' (an en dash) for consecutive months, else 'Jan, Mar, Apr'."""
    if not months:
        return ""
    names = [calendar.month_abbr[m] for m in months]
    if len(months) > 1 and months == list(range(months[0], months[-1] + 1)):
        return f"{names[0]}\u2013{names[-1]}"
    return ", ".join(names)


def _measurement_year(program_year: int) -> MeasurementYear:
    measurement_year = MeasurementYear.objects.filter(year=program_year).first()
    if measurement_year is None:
        raise PaymentRunError(f"ECM QIP has no measurement year {program_year}")
    return measurement_year


def published_scores(measurement_year: MeasurementYear) -> dict[int, list[MonthScore]]:
    """Provider id -> its published month scores of the year, by month."""
    by_provider: dict[int, list[MonthScore]] = defaultdict(list)
    scores = MonthScore.objects.filter(
        measurement_year=measurement_year,
        published_at__isnull=False,
        provider__kind=OrganisationKind.ECM_PROVIDER,
    ).order_by("provider_id", "month")
    for score in scores:
        by_provider[score.provider_id].append(score)
    return by_provider


class EcmCalculator(PaymentCalculator):
    program = PROGRAM
    title = "ECM QIP"
    verbose_title = "ECM Quality Incentive Program"
    formula = (
        "Gross = the measurement year's published months scored together (timeliness: "
        "eligible member-months \u00d7 rate \u00d7 weighted success; 100-point: prorated "
        "reimbursement \u00d7 bonus percent), rounded to the cent once. Net = gross \u2212 "
        "amounts already paid for this measurement year; a negative net is recouped."
    )
    kinds = (
        (INTERIM, "Interim (months published so far)"),
        (FINAL, "Final (all twelve months published)"),
        (SUPPLEMENTAL, "Supplemental (corrections and resubmissions)"),
    )
    kind_name = "Run kind"
    line_statuses = ((PAYABLE, "Payable"), (NO_MONTH, "No published month"))
    payable_status = PAYABLE
    line_columns = (
        LineColumn("months", "Months paid", "text", short_label="Months"),
        LineColumn("months_scored", "Months scored", "int", on_table=False),
        LineColumn("member_months", "Eligible member-months", "int", total=True),
        LineColumn("success", "Weighted success", "decimal", places=4),
        LineColumn("points", "Points", "int"),
        LineColumn("bonus_percent", "Bonus percent", "decimal", places=4),
        LineColumn("base", "Reimbursement base", "decimal", places=2, on_table=False),
    )

    def program_years(self) -> list[int]:
        return list(MeasurementYear.objects.order_by("year").values_list("year", flat=True))

    def parameters(self, *, program_year: int, kind: str) -> dict[str, Any]:
        measurement_year = _measurement_year(program_year)
        months = sorted(
            set(
                MonthScore.objects.filter(
                    measurement_year=measurement_year, published_at__isnull=False
                ).values_list("month", flat=True)
            )
        )
        if not months:
            raise PaymentRunError(f"no month of ECM QIP {program_year} is published yet")
        if kind == FINAL and months != list(range(1, 13)):
            raise PaymentRunError(
                f"a final ECM QIP {program_year} run needs all twelve months published; "
                f"published: {month_span(months)}"
            )
        return {"scoring_model": measurement_year.scoring_model, "published_months": months}

    def compute_lines(self, run: PaymentRun) -> list[ComputedLine]:
        measurement_year = _measurement_year(run.program_year)
        scores = published_scores(measurement_year)
        bases = dict(
            ReimbursementBase.objects.filter(measurement_year=measurement_year).values_list(
                "provider_id", "amount"
            )
        )
        paid_before = set(
            PaymentLine.objects.filter(
                run__program=PROGRAM,
                run__program_year=run.program_year,
                run__status=PaymentRun.Status.POSTED,
            ).values_list("facility_id", flat=True)
        )
        due = timezone.localdate() + datetime.timedelta(days=PAYMENT_DUE_DAYS)
        lines = []
        for provider_id in sorted(set(scores) | paid_before):
            months = scores.get(provider_id, [])
            if not months:  # paid before, nothing published now: everything is recouped
                lines.append(ComputedLine(provider_id, NO_MONTH, ZERO, due, {"months_scored": 0}))
                continue
            score = period_score(
                measurement_year=measurement_year,
                scores=months,
                months_in_period=len(months),
                reimbursement=bases.get(provider_id, ZERO),
            )
            points_model = score.model == scoring.POINTS
            lines.append(
                ComputedLine(
                    facility_id=provider_id,
                    status=PAYABLE,
                    gross_amount=score.amount,
                    due_date=due,
                    details={
                        "months": month_span([m.month for m in months]),
                        "months_scored": len(months),
                        "member_months": score.member_months,
                        "success": "" if points_model else str(score.success),
                        "points": score.points if points_model else "",
                        "bonus_percent": str(score.bonus_percent) if points_model else "",
                        "base": str(score.base) if points_model else "",
                    },
                )
            )
        return lines

    def inputs_fingerprint(self, run: PaymentRun) -> dict[str, Any]:
        """The published scores, the bases and the year's settings: a rescore or a new
        publication after the draft makes it stale."""
        measurement_year = _measurement_year(run.program_year)
        rows = list(
            MonthScore.objects.filter(measurement_year=measurement_year, published_at__isnull=False)
            .order_by("provider_id", "month")
            .values_list(
                "provider_id",
                "month",
                "amount",
                "members",
                "eligible_members",
                "counts",
                "rtf_on_time",
                "otf_on_time",
            )
        )
        bases = list(
            ReimbursementBase.objects.filter(measurement_year=measurement_year)
            .order_by("provider_id")
            .values_list("provider_id", "amount")
        )
        settings = {
            f.attname: getattr(measurement_year, f.attname)
            for f in MeasurementYear._meta.concrete_fields
        }
        payload = json.dumps([rows, bases, settings], sort_keys=True, default=str)
        return {"ecm_inputs": hashlib.sha256(payload.encode()).hexdigest()}

    def schedule_posted_notices(
        self, *, run: PaymentRun, lines: list[PaymentLine], now: datetime.datetime
    ) -> None:
        """``ecm_payment_issued`` to each ECM provider whose line moves money (a payment or a
        recoupment), about that line only."""
        notices = [
            PlannedNotice(
                subject=line,
                link=reverse("payments:facility_payments", args=[line.facility.npi]),
                data={
                    "year": run.program_year,
                    "program": self.title,
                    "run_kind": self.kind_label(run.kind),
                    "run_id": run.pk,
                    "is_recoupment": line.net_amount < 0,
                },
            )
            for line in lines
            if line.net_amount != 0 and line.facility.kind == OrganisationKind.ECM_PROVIDER
        ]
        schedule_notices(kind="ecm_payment_issued", due_at=now, notices=notices)

    def line_note(self, line: PaymentLine) -> str:
        details = line.details or {}
        if line.status == NO_MONTH:
            return "No month of the year is published for this provider now."
        if line.net_amount < 0:
            return (
                f"The months {details.get('months', '')} now score less than was paid: "
                "the difference is recouped."
            )
        return ""


CALCULATOR = EcmCalculator()
