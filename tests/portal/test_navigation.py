"""The top bar: one menu per program and core area, per role (portal.navigation), drawn as
disclosure menus (templates/includes/_site_nav.html)."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from portal.navigation import nav_for, nav_groups_for
from portal.programs import NavGroup, NavItem, PortalApp, ProgramConfig
from programs.wqip.apps import WqipConfig

pytestmark = pytest.mark.django_db

FACILITY_WQIP = ["Opt-ins", "Bed days", "Program years"]
FINANCE_WQIP = ["Bed days", "Imports", "Program years"]
FINANCE_PAYMENTS = ["Payment runs", "Ledger", "Jobs", "Dispute outcomes"]
QAF_FACILITY = ("Quality Assurance Fee", ["Monthly fees", "QAF rates"])
QAF_PLAN = ("Quality Assurance Fee", ["Late or not declared", "QAF rates"])
PLAN_ECM = ["All providers", "Settings"]
IPP_PROVIDER = ("IPP", ["IPP investments", "IPP needs survey"])
IPP_PLAN = (
    "IPP",
    [
        "Program years",
        "Investment applications",
        "Corrective action plans",
        "Needs survey answers",
        "Stakeholder feedback",
    ],
)
EXPECTED_MENUS = {
    "facility_staff": [
        ("Home", ["Home"]),
        ("WQIP", FACILITY_WQIP),
        QAF_FACILITY,
        IPP_PROVIDER,
        ("Cases", ["Inquiries", "Disputes"]),
        ("Inbox", ["Inbox"]),
        ("Admin", ["Facilities"]),
    ],
    "facility_admin": [
        ("Home", ["Home"]),
        ("WQIP", FACILITY_WQIP),
        QAF_FACILITY,
        IPP_PROVIDER,
        ("Cases", ["Inquiries", "Disputes"]),
        ("Inbox", ["Inbox"]),
        ("Admin", ["Facilities", "Users"]),
    ],
    "ltss_liaison": [
        ("Home", ["Home"]),
        ("WQIP", ["Opt-in reviews", "Bed days", "Program years"]),
        QAF_PLAN,
        ("Cases", ["My work", "Inquiries", "Inquiry SLAs", "Dispute cases", "Dispute SLAs"]),
        ("Inbox", ["Inbox"]),
        ("Admin", ["Facilities"]),
    ],
    "finance_analyst": [
        ("Home", ["Home"]),
        ("WQIP", FINANCE_WQIP),
        ("ECM QIP", PLAN_ECM),
        QAF_PLAN,
        IPP_PLAN,
        ("Payments", FINANCE_PAYMENTS),
        ("Inbox", ["Inbox"]),
        ("Admin", ["Facilities", "Registry updates"]),
    ],
    "finance_approver": [
        ("Home", ["Home"]),
        ("WQIP", FINANCE_WQIP),
        ("ECM QIP", PLAN_ECM),
        QAF_PLAN,
        IPP_PLAN,
        ("Payments", FINANCE_PAYMENTS),
        ("Inbox", ["Inbox"]),
        ("Admin", ["Facilities"]),
    ],
    "program_admin": [
        ("Home", ["Home"]),
        ("WQIP", ["Opt-in reviews", "Bed days", "Imports", "Program years"]),
        ("ECM QIP", PLAN_ECM),
        QAF_PLAN,
        IPP_PLAN,
        ("Payments", FINANCE_PAYMENTS),
        ("Cases", ["My work", "Inquiries", "Inquiry SLAs", "Dispute cases", "Dispute SLAs"]),
        ("Inbox", ["Inbox"]),
        ("Admin", ["Facilities", "Registry updates", "Django admin"]),
    ],
}


@pytest.mark.parametrize("role", EXPECTED_MENUS)
def test_given_role_when_nav_built_then_one_menu_per_program_and_core_area(world, role):
    # when
    groups = nav_groups_for(world.users[role])
    # then
    assert [(g.label, [i.label for i in g.items]) for g in groups] == EXPECTED_MENUS[role]


@pytest.mark.parametrize("role", EXPECTED_MENUS)
def test_given_role_when_home_page_drawn_then_a_disclosure_button_per_menu_of_several_items(
    client_as, role
):
    # given
    menus = [label for label, items in EXPECTED_MENUS[role] if len(items) > 1]
    # when
    html = client_as(role).get(reverse("portal:home")).content.decode()
    # then
    buttons = re.findall(
        r'<button class="nav-link nav-disclosure-toggle[^"]*" type="button" '
        r'aria-expanded="false" aria-controls="(nav-menu-[a-z]+)" data-nav-toggle>([^<]+)</button>',
        html,
    )
    assert [label for _, label in buttons] == menus
    assert all(f'<ul class="nav-menu" id="{menu_id}" hidden>' in html for menu_id, _ in buttons)


def test_given_anonymous_user_when_nav_built_then_no_menu(client):
    # when
    html = client.get(reverse("account_login")).content.decode()
    # then
    assert "data-nav-toggle" not in html
    assert "data-site-menus" not in html


def test_given_liaison_on_cases_page_when_nav_built_then_item_and_its_menu_current(world):
    # given
    request = RequestFactory().get("/disputes/sla/")
    request.user = world.users["ltss_liaison"]
    # when
    menus = {menu["label"]: menu for menu in nav_for(request)}
    # then
    assert menus["Cases"]["is_current"] is True
    assert [i["label"] for i in menus["Cases"]["items"] if i["is_current"]] == ["Dispute SLAs"]
    assert not any(menu["is_current"] for label, menu in menus.items() if label != "Cases")


def test_given_opt_in_review_page_when_nav_built_then_longest_prefix_alone_is_current(world):
    # given: "/opt-ins/review/" also starts with a facility user's "/opt-ins/"
    request = RequestFactory().get("/opt-ins/review/")
    request.user = world.users["program_admin"]
    # when
    menus = nav_for(request)
    # then
    current = [i["label"] for menu in menus for i in menu["items"] if i["is_current"]]
    assert current == ["Opt-in reviews"]


def test_given_home_page_when_drawn_then_home_link_is_the_current_page_and_not_other_pages(
    client_as,
):
    # when
    html = client_as("finance_analyst").get(reverse("portal:home")).content.decode()
    # then
    assert re.findall(r'href="([^"]+)" aria-current="page"', html) == ["/"]


def test_given_current_page_inside_menu_when_drawn_then_link_marked_and_button_active(
    client_as,
):
    # when
    html = client_as("finance_analyst").get(reverse("payments:ledger")).content.decode()
    # then
    assert re.findall(r'href="([^"]+)" aria-current="page"', html) == [reverse("payments:ledger")]
    assert 'nav-disclosure-toggle active" type="button" aria-expanded="false" ' in html
    assert 'aria-controls="nav-menu-payments"' in html


def test_given_single_item_menu_when_drawn_then_plain_link_with_item_label(client_as):
    # when
    html = client_as("facility_staff").get(reverse("portal:home")).content.decode()
    # then
    assert '<a class="nav-link" href="/facilities/">Facilities</a>' in html
    assert "nav-menu-admin" not in html
    # inquiries and disputes make "Cases" a menu of two
    assert 'aria-controls="nav-menu-cases"' in html


def test_given_inbox_page_when_drawn_then_inbox_link_is_current(client_as):
    # when
    html = client_as("facility_staff").get(reverse("portal:inbox")).content.decode()
    # then
    assert re.search(r'class="nav-link active" href="/inbox/" aria-current="page"', html)


def test_given_nav_markup_when_drawn_then_no_inline_script_or_style(client_as):
    # when
    html = client_as("program_admin").get(reverse("portal:home")).content.decode()
    # then
    assert "<script>" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html
    assert " onclick=" not in html


class _StrayConfig(PortalApp):
    name = "stray"

    def nav(self, user):  # type: ignore[no-untyped-def]
        return [NavItem("Somewhere", "portal:home", group="nowhere")]


def test_given_item_in_undeclared_menu_when_nav_built_then_configuration_error(world, monkeypatch):
    # given
    configs = [*apps.get_app_configs(), _StrayConfig()]
    monkeypatch.setattr("portal.navigation.apps.get_app_configs", lambda: configs)
    # when / then
    with pytest.raises(ImproperlyConfigured, match="undeclared menu 'nowhere'"):
        nav_groups_for(world.users["facility_staff"])


class _CoreExtraConfig(PortalApp):
    name = "extra"
    nav_groups = (NavGroup("reports", "Reports", order=25),)

    def nav(self, user):  # type: ignore[no-untyped-def]
        return [
            NavItem("Monthly report", "portal:home"),
            NavItem("Payment report", "payments:ledger", group="payments"),
        ]


def test_given_app_declaring_menu_when_nav_built_then_menu_placed_by_order_and_items_joined(
    world, monkeypatch
):
    # given
    configs = [*apps.get_app_configs(), _CoreExtraConfig()]
    monkeypatch.setattr("portal.navigation.apps.get_app_configs", lambda: configs)
    # when
    groups = nav_groups_for(world.users["finance_analyst"])
    # then
    assert [g.label for g in groups] == [
        "Home",
        "WQIP",
        "ECM QIP",
        "Quality Assurance Fee",
        "IPP",
        "Payments",
        "Reports",
        "Inbox",
        "Admin",
    ]
    payments = next(g for g in groups if g.key == "payments")
    assert [i.label for i in payments.items][-1] == "Payment report"


def test_given_program_config_when_apps_loaded_then_program_class_used_and_menu_titled():
    # when
    config = apps.get_app_config("wqip")
    # then
    assert type(config) is WqipConfig
    assert isinstance(config, ProgramConfig)
    assert ProgramConfig.default is False
    assert WqipConfig.default is True
    assert config.nav_menus() == (NavGroup("wqip", "WQIP", order=10),)


def test_given_wqip_provider_kinds_when_compared_then_they_are_the_eligible_facility_types():
    # given
    from portal.registry.models import ELIGIBLE_TYPES

    # when
    config = apps.get_app_config("wqip")
    assert isinstance(config, ProgramConfig)
    kinds = config.provider_kinds
    # then
    assert set(kinds) == {str(kind) for kind in ELIGIBLE_TYPES}
