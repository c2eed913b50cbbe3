"""What ECM QIP hands to the core's disputes (``disputes.programs``), registered by EcmConfig.

An ECM provider disputes a measurement year's published month scores (which months) or the
amount of a payment line, through the core's filing, clocks (acknowledgement, 45 working days
to decide), case work and determination letter; the plan's ECM team (ECM program managers,
program administrators: ``portal.cases.roles.TEAM_ROLES``) works them.

Money: an ECM score is computed from the files in force, so an overturn is put right at its
source (the plan imports the corrected RTF/OTF for the provider, or corrects the year's
settings); the rescored months then change the next supplemental payment run, which pays or
recoups the difference (``programs.ecm.payments``). No separate adjustment is recorded.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence

from django.db import models

from disputes.models import DisputeItem
from disputes.programs import DisputeProgram, ItemChoice, ItemKind
from portal.models import OrganisationKind, User
from portal.registry.selectors import visible_organisations
from programs.ecm.models import MeasurementYear, MonthScore

PROGRAM = "ecm"


class EcmDisputeType(models.TextChoices):
    """ECM QIP's own types of dispute (the core's common ones follow them)."""

    MONTH_SCORE = "ecm_month_score", "Month score (eligible members, measures, timeliness)"
    PAYMENT_AMOUNT = "ecm_payment_amount", "Payment amount"


def published_months(*, user: User, provider_id: int, year: int) -> list[MonthScore]:
    """The provider's published month scores of the year, if the user may see the provider."""
    return list(
        MonthScore.objects.filter(
            provider_id=provider_id,
            provider__in=visible_organisations(user=user),
            measurement_year__year=year,
            published_at__isnull=False,
        ).order_by("month")
    )


def month_item(month: int, score: MonthScore | None = None) -> ItemChoice:
    label = calendar.month_name[month]
    if score is not None:
        label = f"{label}: {score.eligible_members} eligible members, ${score.amount:,.2f}"
    return ItemChoice(
        kind=DisputeItem.Kind.MONTH,
        key=month,
        label=label,
        month=month,
        description=label,
    )


class EcmDisputes(DisputeProgram):
    program = PROGRAM
    title = "ECM QIP"
    organisation_kinds = (OrganisationKind.ECM_PROVIDER,)
    dispute_types = tuple(EcmDisputeType.choices)
    item_kinds = (
        ItemKind(
            kind=DisputeItem.Kind.MONTH,
            field="months",
            label="Disputed months",
            noun="months",
            help_text="The published months whose score you dispute.",
            max_key=12,
        ),
    )
    itemised_types = (EcmDisputeType.MONTH_SCORE,)
    supplemental_run_text = (
        "The plan corrects the disputed months at their source (a corrected file or setting); "
        "the next supplemental ECM QIP run pays or recoups the difference."
    )

    def year_choices(self) -> list[tuple[int, str]]:
        years = MeasurementYear.objects.order_by("-year").values_list("year", flat=True)
        return [(year, str(year)) for year in years]

    def year_label(self, year: int) -> str:
        return str(year)

    def item_choices(
        self,
        *,
        user: User,
        facility_id: int,
        program_year: int,
        kind: str,
        chosen: Sequence[DisputeItem],
    ) -> list[ItemChoice]:
        if kind != DisputeItem.Kind.MONTH:
            return []
        scores = published_months(user=user, provider_id=facility_id, year=program_year)
        by_month = {score.month: score for score in scores}
        # months already chosen stay offered (a score unpublished since is still disputed)
        months = sorted(set(by_month) | {i.month for i in chosen if i.month})
        return [month_item(month, by_month.get(month)) for month in months]

    def find_item(self, *, user: User, kind: str, key: int) -> ItemChoice | None:
        if kind == DisputeItem.Kind.MONTH and 1 <= key <= 12:
            return month_item(key)
        return None
