"""The home page is a work list per role, drawn from the panels every app declares
(``home_panels(user)`` on its AppConfig, ``portal.programs``). Panels with the same key are
drawn as one card: their items follow each other, nearest due date first."""

from __future__ import annotations

import datetime
import time
from dataclasses import replace

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

from portal.models import User
from portal.programs import HomePanel, PortalApp, ProgramConfig, WorkItem
from portal.registry.selectors import visible_facilities

FAR_FUTURE = datetime.date.max


HOME_VERSION_KEY = "home:version"
# Writes that never change a home panel: they do not make every user's panels stale.
HOME_CACHE_IGNORES = frozenset(
    {
        "sessions.session",
        "portal.accesslogentry",
        "auditlog.logentry",
        "axes.accessattempt",
        "axes.accesslog",
        "axes.accessfailurelog",
        "django_celery_beat.periodictask",
        "django_celery_beat.periodictasks",
    }
)


def home_panels_for(user: User) -> list[HomePanel]:
    """Every app's panels for the user, same keys merged, in ``order``.

    The panels are the costliest part of the busiest page, so they are kept in the shared
    cache per user for ``WQIP_HOME_CACHE_SECONDS`` under a data version that every model
    write moves on (``bump_home_version``): a page after a change is not stale.
    Writes outside the ORM (the claims COPY, the bed-day SQL) end with their job's row being
    saved, which moves the version too; the time limit bounds anything else.
    """
    seconds = settings.WQIP_HOME_CACHE_SECONDS
    if seconds <= 0:
        return _home_panels_for(user)
    key = f"home:panels:{user.pk}:{data_version()}"
    panels = cache.get(key)
    if panels is None:
        panels = _home_panels_for(user)
        cache.set(key, panels, seconds)
    return panels


def data_version() -> int:
    """The data version every cached page and panel is stored under (``bump_home_version``)."""
    version = cache.get_or_set(HOME_VERSION_KEY, _new_version, None)
    return int(version) if version is not None else _new_version()


def bump_home_version(**kwargs: object) -> None:
    """Every user's cached panels and pages (``portal.pagecache``) are stale. Moved at the
    write, not at the commit (an on-commit hook per write would join the callbacks that send
    tasks): a page computed by another user while the writing transaction is still open may
    keep the old rows for at most ``WQIP_HOME_CACHE_SECONDS`` / ``WQIP_PAGE_CACHE_SECONDS``.
    A service that takes access away moves it again after its commit
    (``portal.accounts.services.deactivate_facility_user``)."""
    sender = kwargs.get("sender")
    meta = getattr(sender, "_meta", None)
    if meta is not None and meta.label_lower in HOME_CACHE_IGNORES:
        return
    if settings.WQIP_HOME_CACHE_SECONDS <= 0 and settings.WQIP_PAGE_CACHE_SECONDS <= 0:
        return
    try:
        cache.incr(HOME_VERSION_KEY)
    except ValueError:  # not set yet, or evicted: a value no earlier version had
        cache.set(HOME_VERSION_KEY, _new_version(), None)


def _new_version() -> int:
    """A first version that no panels cached before an eviction of the counter were under."""
    return time.time_ns()


def connect_home_cache() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(bump_home_version, dispatch_uid=f"home-cache-{id(signal)}")


def _home_panels_for(user: User) -> list[HomePanel]:
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
