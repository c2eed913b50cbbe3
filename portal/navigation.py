"""The top bar: one menu per program and per core area, drawn from what each app declares
(``portal.programs``: ``nav_menus()`` and ``nav(user)`` on its AppConfig).

    Home | WQIP v | Payments v | Cases v | Inbox | Admin v          (program administrator)
    Home | WQIP v | Disputes | Inbox | Admin v                       (facility administrator)

A menu is a disclosure (``templates/includes/_site_nav.html``, ``static/js/portal.js``); a menu
with one item is drawn as a plain link labelled like the item."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from portal.accounts.models import PROVIDER_ADMIN_ROLES, Role
from portal.models import User
from portal.programs import NavGroup, NavItem, PortalApp, ProgramConfig

__all__ = ["NavGroup", "NavItem", "facility_links", "nav_for", "nav_groups_for"]


def portal_nav_items(user: User) -> list[NavItem]:
    """The core's own links: Home, Inbox and the Admin menu (declared in portal/apps.py)."""
    items = [
        NavItem("Home", "portal:home", group="home"),
        NavItem("Inbox", "portal:inbox", prefix="/inbox/", group="inbox"),
        NavItem("Facilities", "portal:facility_list", prefix="/facilities/", group="admin"),
    ]
    if user.role in (Role.FINANCE_ANALYST, Role.PROGRAM_ADMIN):
        items.append(
            NavItem(
                "Registry updates",
                "portal:registry_import_list",
                prefix="/facilities/imports/",
                group="admin",
            )
        )
    if user.is_superuser or user.role in (
        Role.LTSS_LIAISON,
        Role.PROGRAM_ADMIN,
        Role.ECM_PROGRAM_MANAGER,
    ):
        items.insert(1, NavItem("My work", "cases:my_work", prefix="/work/", group="cases"))
    if user.role in PROVIDER_ADMIN_ROLES:
        items.append(NavItem("Users", "portal:user_list", prefix="/users/", group="admin"))
    if user.is_staff:
        items.append(NavItem("Django admin", "admin:index", prefix="/admin/", group="admin"))
    return items


def _portal_apps(user: object = None) -> list[PortalApp]:
    """Every app that plugs into the core; with a user, only those that serve them (a
    program of another kind of provider organisation is left out)."""
    configs: list[PortalApp] = [c for c in apps.get_app_configs() if isinstance(c, PortalApp)]
    if user is None:
        return configs
    return [c for c in configs if not isinstance(c, ProgramConfig) or c.serves(user)]


def nav_groups_for(user: User | AnonymousUser) -> list[NavGroup]:
    """The menus the user sees, in bar order, each with its items (empty menus left out)."""
    if not user.is_authenticated:
        return []
    declared: dict[str, NavGroup] = {}
    items: dict[str, list[NavItem]] = {}
    contributions = []
    for config in _portal_apps(user):
        menus = config.nav_menus()
        for menu in menus:
            declared.setdefault(menu.key, menu)
        contributions.append((config, menus[0] if menus else None))
    for config, own in contributions:
        for item in config.nav(user):
            key = item.group or (own.key if own else "")
            if key not in declared:
                raise ImproperlyConfigured(
                    f"{config.name}: nav item {item.label!r} goes in an undeclared menu {key!r}"
                )
            items.setdefault(key, []).append(item)
    groups = [
        NavGroup(group.key, group.label, group.order, tuple(items[key]))
        for key, group in declared.items()
        if items.get(key)
    ]
    return sorted(groups, key=lambda group: group.order)


def _current_item(path: str, groups: list[NavGroup]) -> NavItem | None:
    """The item of the page shown: the longest prefix the path starts with (Home: only "/")."""
    best: tuple[int, NavItem] | None = None
    for group in groups:
        for item in group.items:
            url = item.url
            prefix = item.prefix or url
            matches = path == url if prefix == "/" else path.startswith(prefix)
            if matches and (best is None or len(prefix) > best[0]):
                best = (len(prefix), item)
    return best[1] if best else None


def nav_for(request: HttpRequest) -> list[dict[str, Any]]:
    """The menus for the template: ``key``, ``label``, ``is_current``, ``items`` (``label``,
    ``url``, ``is_current``); a one-item menu also has ``url`` (``is_link``)."""
    groups = nav_groups_for(request.user)
    current = _current_item(request.path, groups)
    menus = []
    for group in groups:
        entries = [
            {"label": item.label, "url": item.url, "is_current": item is current}
            for item in group.items
        ]
        menu = {
            "key": group.key,
            "label": group.label,
            "items": entries,
            "is_current": any(entry["is_current"] for entry in entries),
            "is_link": len(entries) == 1,
        }
        if menu["is_link"]:
            menu["url"] = entries[0]["url"]
            menu["link_label"] = entries[0]["label"]
        menus.append(menu)
    return menus


def facility_links(*, user: User, facility: object) -> list[dict[str, str]]:
    """Pages of other apps about one facility (payments, bed days, disputes...): each app's
    ``facility_links(user, facility)`` returns ``[(label, url), ...]``."""
    links: list[dict[str, str]] = []
    for config in _portal_apps():
        links.extend(
            {"label": label, "url": url} for label, url in config.facility_links(user, facility)
        )
    return links


def facility_sections(*, user: User, facility: object) -> list[dict[str, object]]:
    """Sections other apps add to a facility's page (each app's ``facility_sections``)."""
    sections: list[dict[str, object]] = []
    for config in _portal_apps():
        sections.extend(config.facility_sections(user, facility))
    return sections
