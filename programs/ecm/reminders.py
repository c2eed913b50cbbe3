"""ECM QIP's daily producers (portal.notifications.reminders), registered by EcmConfig.ready:

* report reminders: 5 days before a month's RTF/OTF are due, on the due day, and the day after
  (late), to each active ECM provider with a file of the month missing; a missed day is caught
  up with the latest point only (as WQIP's window reminders);
* scoring: every measurement year of the last 13 months is rescored (the months that became
  past due are scored, a missing file counting as not on time), and the months whose due day
  has passed are published: ``MonthScore.published_at`` and a notice to the provider.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.calendar.dates import pacific_time
from portal.models import Organisation, OrganisationKind
from portal.money import format_money
from portal.notifications.reminders import SEND_HOUR
from portal.notifications.services import PlannedNotice, schedule_notice, schedule_notices
from programs.ecm.models import MeasurementYear, MonthScore, ReportFile
from programs.ecm.services.scoring import due_dates, score_year

SOON_DAYS = 5
KIND_NAMES = {"rtf": "RTF", "otf": "OTF"}


def _reporting_months(today: datetime.date) -> list[tuple[int, int]]:
    """The months whose reports fall due around ``today``: the last two months."""
    previous = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    before = (previous[0], previous[1] - 1) if previous[1] > 1 else (previous[0] - 1, 12)
    return [before, previous]


@transaction.atomic
def produce_report_reminders(today: datetime.date) -> int:
    scheduled = 0
    for year, month in _reporting_months(today):
        measurement_year = MeasurementYear.objects.filter(year=year).first()
        if measurement_year is None:
            continue
        due_on = due_dates(measurement_year)[month]
        points = [
            ("ecm_report_due_soon", due_on - datetime.timedelta(days=SOON_DAYS)),
            ("ecm_report_due_today", due_on),
            ("ecm_report_late", due_on + datetime.timedelta(days=1)),
        ]
        reached = [(kind, day) for kind, day in points if day <= today]
        if not reached or today > due_on + datetime.timedelta(days=7):
            continue
        kind, day = reached[-1]
        received: dict[int, set[str]] = {}
        for provider_id, file_kind in ReportFile.objects.filter(
            measurement_year=measurement_year, month=month
        ).values_list("provider_id", "kind"):
            received.setdefault(provider_id, set()).add(file_kind)
        providers = Organisation.objects.filter(
            kind=OrganisationKind.ECM_PROVIDER, is_active=True
        ).order_by("id")
        for provider in providers:
            missing = [
                KIND_NAMES[k] for k in ("rtf", "otf") if k not in received.get(provider.pk, set())
            ]
            if not missing:
                continue
            schedule_notice(
                kind=kind,
                subject=provider,
                facility=None,
                due_at=pacific_time(day, SEND_HOUR),
                link=reverse("ecm:file_upload", args=[provider.pk]) + f"?year={year}&month={month}",
                data={
                    "year": year,
                    "month": month,
                    "due_on": due_on,
                    "missing": " and ".join(missing),
                    "missing_count": len(missing),
                },
            )
            scheduled += 1
    return scheduled


@transaction.atomic
def produce_scores(today: datetime.date) -> int:
    """Rescore the current and last measurement year; publish the months past due."""
    published = 0
    for measurement_year in MeasurementYear.objects.filter(year__in=[today.year - 1, today.year]):
        score_year(measurement_year=measurement_year, today=today)
        due = due_dates(measurement_year)
        past_due = [month for month, day in due.items() if day < today]
        to_publish = list(
            MonthScore.objects.filter(
                measurement_year=measurement_year, month__in=past_due, published_at__isnull=True
            ).select_related("provider")
        )
        now = timezone.now()
        for score in to_publish:
            score.published_at = now
        MonthScore.objects.bulk_update(to_publish, ["published_at"])
        if to_publish:
            schedule_notices(
                kind="ecm_score_published",
                due_at=pacific_time(today, SEND_HOUR),
                notices=[
                    PlannedNotice(
                        subject=score,
                        facility=None,
                        link=reverse("ecm:provider_dashboard", args=[score.provider_id])
                        + f"?year={measurement_year.year}",
                        data={
                            "year": measurement_year.year,
                            "month": score.month,
                            "eligible_members": score.eligible_members,
                            "amount": format_money(score.amount),
                        },
                    )
                    for score in to_publish
                ],
            )
        published += len(to_publish)
    return published
