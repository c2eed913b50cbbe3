"""The home page is a work list per role, drawn from the panels every app declares
(``home_panels(user)`` on its AppConfig, ``portal.programs``). Panels with the same key are
drawn as one card: their items follow each other, nearest due date first."""

from __future__ import annotations

import datetime
from dataclasses import replace

from django.apps import apps

from portal.models import User
from portal.programs import HomePanel, PortalApp, ProgramConfig, WorkItem
from portal.registry.selectors import visible_facilities

FAR_FUTURE = datetime.date.max


def home_panels_for(user: User) -> list[HomePanel]:
    """Every app's panels for the user, same keys merged, in ``order``."""
    merged: dict[str, HomePanel] = {}
    for config in apps.get_app_configs():
        if not isinstance(config, PortalApp):
            continue
        if isinstance(config, ProgramConfig) and not config.serves(user):
            continue
        for panel in config.home_panels(user):
            first = merged.get(panel.key)
            if first is None:
                merged[panel.key] = panel
            else:
                merged[panel.key] = replace(
                    first,
                    items=first.items + panel.items,
                    links=first.links + panel.links,
                    order=min(first.order, panel.order),
                    context={**panel.context, **first.context},
                )
    panels = [
        replace(panel, items=tuple(sorted(panel.items, key=lambda i: i.due_on or FAR_FUTURE)))
        if any(item.due_on for item in panel.items)
        else panel
        for panel in merged.values()
    ]
    return sorted(panels, key=lambda panel: panel.order)


def work_item_count(panels: list[HomePanel]) -> int:
    """How many things need the user: the items of the work panels."""
    return sum(len(panel.items) for panel in panels if panel.is_work)


MY_WORK_ON_HOME = 8


def my_work_panel(*, user: User) -> HomePanel:
    """A case worker's queue (portal.cases.work): the next cases due, counts by state."""
    from django.urls import reverse

    from portal.cases.work import my_work

    work = my_work(user=user)
    items = [
        WorkItem(
            f"{item.kind_label} {item.reference} · {item.organisation} · {item.state}"
            + ("" if not item.is_unassigned else " · team queue"),
            item.url,
            due_on=item.due_on,
            tone="danger" if item.is_overdue else "info",
        )
        for item in work.items[:MY_WORK_ON_HOME]
    ]
    return HomePanel(
        key="my-work",
        title=f"My work ({work.total} open)",
        items=tuple(items),
        empty_text="Nothing waits for you or the team queue.",
        order=1,
        wide=True,
        template="cases/_my_work_panel.html",
        context={"work": work},
        links=(("All my work", reverse("cases:my_work")),),
    )


def portal_home_panels(*, user: User) -> list[HomePanel]:
    """The core's panels: a case worker's queue; a facility user no facility has given
    access to yet."""
    from portal.cases.roles import is_any_case_worker

    if is_any_case_worker(user):
        return [my_work_panel(user=user)]
    if user.is_facility_user and not visible_facilities(user=user).exists():
        return [
            HomePanel(
                key="no-facility",
                title="You are not linked to a facility yet",
                empty_text=(
                    "Your account works, but no facility has given you access. Ask your "
                    "facility administrator to add you, or contact the plan's program team."
                ),
                order=0,
                is_work=False,
                wide=True,
            )
        ]
    return []
