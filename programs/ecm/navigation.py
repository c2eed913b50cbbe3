"""ECM QIP's menu in the top bar and its home panels."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from portal.models import User
from portal.programs import HomePanel, NavItem, WorkItem, deadlines_panel
from programs.ecm.access import is_plan, is_provider
from programs.ecm.engine import deadlines
from programs.ecm.models import MeasurementYear, ReportFile
from programs.ecm.selectors.providers import providers_for


def ecm_nav_items(user: User) -> list[NavItem]:
    if is_provider(user):
        return [NavItem("Scores and files", "ecm:home", prefix="/ecm/")]
    if not is_plan(user):
        return []
    return [
        NavItem("All providers", "ecm:plan_dashboard", prefix="/ecm/providers/"),
        NavItem("Settings", "ecm:settings_list", prefix="/ecm/settings/"),
    ]


def ecm_home_panels(*, user: User) -> list[HomePanel]:
    """A provider's next reports due: last month's RTF and OTF not yet received (3 queries)."""
    if not is_provider(user):
        return []
    today = timezone.localdate()
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    measurement_year = MeasurementYear.objects.filter(year=year).first()
    if measurement_year is None:
        return []
    due_on = deadlines.due_date(
        year=year,
        month=month,
        due_day=measurement_year.due_day,
        working_days=False,
    )
    providers = list(providers_for(user=user).order_by("name")[:5])
    received = set(
        ReportFile.objects.filter(
            provider__in=providers, measurement_year=measurement_year, month=month
        ).values_list("provider_id", "kind")
    )
    items = []
    for provider in providers:
        for kind in ("rtf", "otf"):
            if (provider.pk, kind) not in received:
                items.append(
                    WorkItem(
                        text=f"Send the {kind.upper()} for {year}-{month:02d} ({provider.name})",
                        url=reverse("ecm:file_upload", args=[provider.pk])
                        + f"?year={year}&month={month}",
                        due_on=due_on,
                        tone="danger" if due_on < today else "warning",
                    )
                )
    return [deadlines_panel(items)]
