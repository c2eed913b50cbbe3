"""Role-aware main navigation. Each app may contribute items: an AppConfig that defines
``nav_items(user)`` returns a list of :class:`NavItem`; the nav shows them in app order."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.http import HttpRequest
from django.urls import reverse

from portal.accounts.models import Role
from portal.models import User


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # the item is "current" when the request path starts with this prefix (default: its URL)
    prefix: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def portal_nav_items(user: User) -> list[NavItem]:
    items = [
        NavItem("Home", "portal:home"),
        NavItem("Facilities", "portal:facility_list", prefix="/facilities/"),
    ]
    if user.role == Role.FACILITY_ADMIN:
        items.append(NavItem("Users", "portal:user_list", prefix="/users/"))
    return items


def nav_for(request: HttpRequest) -> list[dict[str, object]]:
    """The items the user may see, each with ``url``, ``label`` and ``is_current``."""
    user = request.user
    if not user.is_authenticated:
        return []
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        contribute = getattr(config, "nav_items", None)
        if callable(contribute):
            items.extend(contribute(user))
    result = []
    for item in items:
        url = item.url
        prefix = item.prefix or url
        current = request.path == url if prefix == "/" else request.path.startswith(prefix)
        result.append({"label": item.label, "url": url, "is_current": current})
    return result


def facility_links(*, user: User, facility: object) -> list[dict[str, str]]:
    """Pages of other apps about one facility (payments, bed days, disputes...): an AppConfig
    that defines ``facility_links(user, facility)`` returns ``[(label, url), ...]``."""
    links: list[dict[str, str]] = []
    for config in apps.get_app_configs():
        contribute = getattr(config, "facility_links", None)
        if callable(contribute):
            links.extend({"label": label, "url": url} for label, url in contribute(user, facility))
    return links
