"""The top bar in the browser: every menu opens and closes by keyboard (WAI-ARIA disclosure),
passes axe-core while open, and the bar stays on one line at 1280 px for every role."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import assert_accessible
from tests.roles import ROLES

SIGNED_IN_ROLES = [r for r in ROLES if r != "anonymous"]


def tab_to(page: Page, target: Locator, *, limit: int = 40) -> None:
    """Press Tab until the target has the keyboard focus (fails after ``limit`` presses)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} never received the focus by Tab")


def menu_of(page: Page, button: Locator) -> Locator:
    return page.locator(f"#{button.get_attribute('aria-controls')}")


@pytest.mark.parametrize("role", SIGNED_IN_ROLES)
def test_given_role_when_each_menu_opened_by_keyboard_then_links_reachable_and_escape_closes(
    login, role
):
    # given
    page = login(role)
    nav = page.get_by_role("navigation", name="Main")
    buttons = nav.locator("[data-nav-toggle]")
    if buttons.count() == 0:
        # a bar of one-item menus (an ECM provider's staff): plain links, each reached by Tab
        links = nav.get_by_role("link")
        assert links.count() >= 3
        tab_to(page, links.last)
        assert_accessible(page)
        return
    for index in range(buttons.count()):
        button = buttons.nth(index)
        menu = menu_of(page, button)
        # when: Tab to the button, Enter opens, Tab reaches the first link
        tab_to(page, button)
        page.keyboard.press("Enter")
        expect(button).to_have_attribute("aria-expanded", "true")
        expect(menu).to_be_visible()
        page.keyboard.press("Tab")
        expect(menu.get_by_role("link").first).to_be_focused()
        assert_accessible(page)
        # then: Escape closes the menu and gives the focus back to its button
        page.keyboard.press("Escape")
        expect(menu).to_be_hidden()
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(button).to_be_focused()


def test_given_payments_menu_when_arrow_keys_and_enter_then_ledger_opens_marked_current(login):
    # given
    page = login("program_admin")
    nav = page.get_by_role("navigation", name="Main")
    button = nav.get_by_role("button", name="Payments", exact=True)
    tab_to(page, button)
    # when: Arrow Down opens the menu on its first link, the next Arrow Down moves on
    page.keyboard.press("ArrowDown")
    expect(nav.get_by_role("link", name="Payment runs")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(nav.get_by_role("link", name="Ledger")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # then
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ledger")
    assert_accessible(page)
    button = page.get_by_role("navigation", name="Main").get_by_role("button", name="Payments")
    expect(button).to_have_class("nav-link nav-disclosure-toggle active")
    button.click()
    expect(menu_of(page, button).locator('[aria-current="page"]')).to_have_text("Ledger")


def test_given_open_menu_when_another_opened_or_page_clicked_then_it_closes(login):
    # given
    page = login("program_admin")
    nav = page.get_by_role("navigation", name="Main")
    wqip = nav.get_by_role("button", name="WQIP", exact=True)
    cases = nav.get_by_role("button", name="Cases", exact=True)
    wqip.click()
    expect(wqip).to_have_attribute("aria-expanded", "true")
    # when
    cases.click()
    # then
    expect(wqip).to_have_attribute("aria-expanded", "false")
    expect(cases).to_have_attribute("aria-expanded", "true")
    # when (the page's footer: the open "Cases" menu, long with My work and inquiries, covers
    # the heading)
    page.get_by_role("contentinfo").click()
    # then
    expect(cases).to_have_attribute("aria-expanded", "false")
    expect(menu_of(page, cases)).to_be_hidden()


@pytest.mark.parametrize("role", SIGNED_IN_ROLES)
def test_given_role_at_1280_px_when_home_shown_then_top_bar_on_one_line(login, role):
    # given
    page = login(role)
    assert page.viewport_size == {"width": 1280, "height": 900}
    # when
    boxes = [
        item.bounding_box()
        for item in page.locator(
            ".site-nav .navbar-brand, .site-nav .navbar-collapse > .navbar-nav > .nav-item"
        ).all()
    ]
    # then: every item shares one row, left to right
    assert len(boxes) >= 5
    tops = {round(box["y"]) for box in boxes}
    assert max(tops) - min(tops) <= 2, boxes
    lefts = [box["x"] for box in boxes]
    assert lefts == sorted(lefts)
    assert all(box["x"] + box["width"] <= 1280 for box in boxes)
