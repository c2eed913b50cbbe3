"""Keyboard-only walk of the opt-in form: a facility administrator starts a PY4 opt-in and
completes the signer step with Tab, typing and Enter only; every page passes axe-core."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from programs.wqip.models import OptIn
from tests.e2e.helpers import assert_accessible, visit
from tests.programs.wqip.opt_in_helpers import (
    open_window,
    program_year,
)


def tab_to(page: Page, target: Locator, *, limit: int = 80) -> None:
    """Press Tab until the target has the keyboard focus (fails after ``limit`` presses)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} never received the focus by Tab")


def press_enter_and_wait(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_given_facility_admin_when_using_keyboard_only_then_opt_in_signer_step_saved(
    login, live_server, e2e_world
):
    # given: the PY4 window is open and the administrator is signed in
    open_window(program_year(2026))
    page = login("facility_admin")
    visit(page, live_server.url + "/opt-ins/")
    # when: start the draft
    tab_to(page, page.get_by_role("link", name="Start PY4 opt-in").first)
    press_enter_and_wait(page)
    assert_accessible(page)
    tab_to(page, page.get_by_role("button", name="Start draft"))
    press_enter_and_wait(page)
    assert_accessible(page)
    # when: fill in the signer step field by field, then save with Enter
    for label, value in (
        ("Full name", "Ada Admin"),
        ("Job title", "Administrator"),
        ("E-mail address", "ada@example.test"),
        ("Phone number", "555-0100"),
    ):
        tab_to(page, page.get_by_label(label))
        page.keyboard.type(value)
    tab_to(page, page.get_by_role("button", name="Save and continue"))
    press_enter_and_wait(page)
    assert_accessible(page)
    # then
    expect(page.get_by_label("Payee legal name")).to_be_visible()
    version = OptIn.objects.get(facility=e2e_world.facility_a).versions.get()
    assert (version.signer_name, version.signer_title) == ("Ada Admin", "Administrator")
