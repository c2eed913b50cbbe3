"""How an app plugs into the core: its menu in the top bar, its panels on the home page, its
links on a facility's page, its demo data.

A program is one package whose AppConfig extends :class:`ProgramConfig`; the core apps
(portal, payments, disputes) use the :class:`PortalApp` mixin with the same hooks. The core
draws the top bar (``portal.navigation``) and the home page (``portal.views.home``) from these
declarations and never imports a program.

    class QafConfig(ProgramConfig):
        name = "programs.qaf"
        label = "qaf"
        title = "QAF"
        provider_kinds = ("snf",)

        def nav(self, user: User) -> list[NavItem]:           # the "QAF" menu
            return [NavItem("Monthly fees", "qaf:fee_list")] if can_see_qaf(user) else []

        def home_panels(self, user: User) -> list[HomePanel]:  # "what needs me" on the home page
            return [next_fee_due_panel(user=user)]

Menus: a program's items go in one menu named by its ``title``; a core app declares its menus
in ``nav_groups`` (Payments, Cases, Admin...). An item may join another app's menu with
``NavItem(group="payments")``. A menu with one item is drawn as a plain link.

Home panels: each panel is a work list (``WorkItem``: what to do, a count, a due date, a link
to the page where it is done) or, with ``is_work=False``, information (the latest payment, the
opt-in table). Panels with the same ``key`` from several apps are drawn as one (a facility's
"Your next deadlines" gathers the opt-in window and a dispute's amendment date). A panel's
selectors run a fixed number of queries whatever the data (tests/portal/test_home.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

from django.apps import AppConfig
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

if TYPE_CHECKING:
    from portal.models import User

TONES = ("info", "success", "warning", "danger")


@dataclass(frozen=True)
class NavItem:
    """A link in a menu of the top bar."""

    label: str
    url_name: str
    # the item is "current" when the request path starts with this prefix (default: its URL)
    prefix: str = ""
    # the menu it goes in: "" is the contributing app's own menu, else another menu's key
    group: str = ""

    @property
    def url(self) -> str:
        return _menu_url(self.url_name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=512)
def _menu_url(url_name: str, script_prefix: str, urlconf: str) -> str:
    """A menu item's URL (no arguments): the same for every request of a deployment, so it
    is reversed once per process instead of for every item of every page's menus."""
    return reverse(url_name, urlconf=urlconf)


@dataclass(frozen=True)
class NavGroup:
    """A menu of the top bar, declared by one app and filled with the items every app gives
    it. ``order`` places it: Home 0, programs 10, Payments 20, Cases 30, Inbox 80, Admin 90;
    equal orders keep INSTALLED_APPS order."""

    key: str
    label: str
    order: int = 50
    items: tuple[NavItem, ...] = ()


@dataclass(frozen=True)
class WorkItem:
    """One line of a work list: ``count`` (when given) is shown before the text, so the text
    agrees with it ("3" + "opt-ins to review"); ``due_on`` is shown after it. ``tone`` is one
    of TONES and only colours the line (the text says what matters)."""

    text: str
    url: str
    count: int | None = None
    due_on: datetime.date | None = None
    tone: str = "info"

    def __post_init__(self) -> None:
        if self.tone not in TONES:
            raise ValueError(f"tone must be one of {TONES}, not {self.tone!r}")

    @property
    def is_overdue(self) -> bool:
        return self.due_on is not None and self.due_on < timezone.localdate()


@dataclass(frozen=True)
class HomePanel:
    """A card on the home page: its work items (or ``empty_text``), then ``template`` when
    given (a table, say; included with ``panel`` only, it reads ``panel.context``), then
    ``links`` (``[(label, url)]``: where to go for more)."""

    key: str
    title: str
    items: tuple[WorkItem, ...] = ()
    empty_text: str = "Nothing to do here."
    order: int = 50
    is_work: bool = True
    wide: bool = False
    template: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    links: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))
        object.__setattr__(self, "links", tuple(self.links))


@dataclass(frozen=True)
class CaseWorkItem:
    """One case in a liaison's "My work" queue (``portal.cases.work``), whatever its kind: an
    app lists its open cases assigned to the user or to nobody (``PortalApp.case_work``).
    ``state`` is the case's own status label; ``due_on`` its next clock."""

    kind: str  # e.g. "inquiry", "dispute", "opt_in_review"
    kind_label: str  # "Inquiry", "Dispute", "WQIP opt-in review"
    reference: str
    title: str
    organisation: str
    state: str
    url: str
    due_on: datetime.date | None = None
    assignee_id: int | None = None
    assignee_name: str = ""

    @property
    def is_overdue(self) -> bool:
        return self.due_on is not None and self.due_on < timezone.localdate()

    @property
    def is_unassigned(self) -> bool:
        return self.assignee_id is None


def plural(count: int, singular: str, plural_form: str = "") -> str:
    """``plural(1, "opt-in to review", "opt-ins to review")``: the form that fits the count."""
    return singular if count == 1 else (plural_form or singular + "s")


# Panels several apps fill: one card each, with the same title whoever contributes first.
def approvals_panel(items: Sequence[WorkItem]) -> HomePanel:
    """What waits for a finance approver's decision (payment runs, adjustments...)."""
    return HomePanel(
        key="approvals",
        title="Awaiting your approval",
        items=tuple(items),
        empty_text="Nothing awaits your approval.",
        order=5,
    )


def answers_panel(items: Sequence[WorkItem]) -> HomePanel:
    """What the plan returned or asked and the facility has to answer."""
    return HomePanel(
        key="answers",
        title="What needs an answer",
        items=tuple(items),
        empty_text="Nothing the plan returned is waiting for you.",
        order=10,
    )


def deadlines_panel(items: Sequence[WorkItem]) -> HomePanel:
    """The facility's coming deadlines (nearest first once merged)."""
    return HomePanel(
        key="deadlines",
        title="Your next deadlines",
        items=tuple(items),
        empty_text="No deadline coming up.",
        order=20,
    )


class PortalApp:
    """The hooks an app's AppConfig may fill; the core collects them from every installed app.
    Mix into a core app's AppConfig (``class PaymentsConfig(PortalApp, AppConfig)``); programs
    extend :class:`ProgramConfig`."""

    name: str  # every PortalApp is mixed into an AppConfig, which sets it

    # the menus the app declares; the first is its own (where its items go unless they name
    # another group)
    nav_groups: ClassVar[tuple[NavGroup, ...]] = ()

    def nav_menus(self) -> tuple[NavGroup, ...]:
        return self.nav_groups

    def nav(self, user: User) -> list[NavItem]:
        """The app's links in the top bar for this user (none: its menu is not drawn)."""
        return []

    def home_panels(self, user: User) -> list[HomePanel]:
        """The app's panels on this user's home page."""
        return []

    def case_work(self, user: User) -> list[CaseWorkItem]:
        """The app's open cases assigned to this case worker or to nobody (the team queue),
        for "My work" (``portal.cases.work``); empty for anyone else."""
        return []

    def facility_links(self, user: User, facility: Any) -> list[tuple[str, str]]:
        """``[(label, url)]`` of the app's pages about one facility (on its detail page)."""
        return []

    def facility_sections(self, user: User, facility: Any) -> list[dict[str, Any]]:
        """Sections the app adds to a facility's page: ``{"template": ..., "context": {...}}``
        (WQIP: eligibility and the opt-in of each program year)."""
        return []

    def job_kinds(self) -> list[Any]:
        """The app's kinds of long job (``portal.jobs.kinds.JobKind``): the core runs,
        recovers, fails and retries them (WQIP: claims import, bed-day computation)."""
        return []


class ProgramConfig(PortalApp, AppConfig):
    """Base of a program's AppConfig: the program declares itself once (title, provider kinds,
    menu, home panels, facility links, demo data). Its menu is labelled ``title``."""

    # Django uses the only AppConfig subclass of an apps.py that does not say ``default =
    # False``; this base is imported into every program's apps.py, so it steps aside, and
    # __init_subclass__ gives each program's own class back ``default = True``
    default = False
    title: ClassVar[str] = ""
    provider_kinds: ClassVar[Sequence[str]] = ()
    # the kinds of provider organisation (OrganisationKind values) the program serves: a
    # provider user of another kind never sees its menu, panels or pages (404, by the core's
    # ProgramScopeMiddleware); the plan's staff are not concerned (their roles decide)
    organisation_kinds: ClassVar[Sequence[str]] = ()
    nav_order: ClassVar[int] = 10

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "default" not in cls.__dict__:
            cls.default = True

    def nav_menus(self) -> tuple[NavGroup, ...]:
        return (NavGroup(self.label, self.title or str(self.verbose_name), order=self.nav_order),)

    def serves(self, user: Any) -> bool:
        """False for a provider user whose organisations are of a kind the program does not
        serve (an ECM provider's user and WQIP); True for everyone else."""
        from portal.accounts.models import PROVIDER_ROLE_KINDS

        kind = PROVIDER_ROLE_KINDS.get(getattr(user, "role", ""))
        return kind is None or not self.organisation_kinds or kind in self.organisation_kinds

    def load_demo_data(self, *, stdout: Any = None) -> str:
        """Demo data for ``make run`` (idempotent); ``start_portal`` calls it after the core's."""
        return ""
