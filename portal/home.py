"""The home page is a work list per role, drawn from the panels every app declares
(``home_panels(user)`` on its AppConfig, ``portal.programs``). Panels with the same key are
drawn as one card: their items follow each other, nearest due date first."""

from __future__ import annotations

import datetime
from dataclasses import replace

from django.apps import apps

from portal.models import User
from portal.programs import HomePanel, PortalApp, ProgramConfig
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


def portal_home_panels(*, user: User) -> list[HomePanel]:
    """The core's panel: a facility user no facility has given access to yet."""
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
