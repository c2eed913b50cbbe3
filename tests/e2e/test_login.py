"""Journey: sign in per role (TOTP for plan staff), lockout, keyboard-only sign-in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, visit
from tests.roles import ROLES

SIGNED_IN_ROLES = [r for r in ROLES if r != "anonymous"]


@pytest.mark.parametrize("role", SIGNED_IN_ROLES)
def test_given_role_when_signing_in_then_dashboard_shows(login, e2e_world, role):
    # when
    page = login(role)
    # then
    expect(page.get_by_role("navigation", name="Main")).to_contain_text(e2e_world.users[role].email)
    expect(page.locator("main")).to_be_visible()


def test_given_five_wrong_passwords_when_submitted_then_lockout_page(page, live_server, e2e_world):
    # given
    email = e2e_world.users["facility_staff"].email
    visit(page, live_server.url + "/accounts/login/")
    # when
    for _ in range(5):
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill("not-the-password-1")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("load")
    # then
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in temporarily locked")
    assert_accessible(page)


def test_given_wrong_password_when_submitted_then_error_summary_has_focus(
    page, live_server, e2e_world
):
    # given
    visit(page, live_server.url + "/accounts/login/")
    # when
    page.get_by_label("Email").fill(e2e_world.users["facility_staff"].email)
    page.get_by_label("Password").fill("not-the-password-1")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    # then
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    assert_accessible(page)


def test_given_keyboard_only_when_signing_in_then_dashboard(page, live_server, e2e_world):
    # given
    user = e2e_world.users["facility_admin"]
    visit(page, live_server.url + "/accounts/login/")
    # when: the first Tab reaches the skip link, then fields follow in order
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    for _ in range(10):
        if page.evaluate("document.activeElement.name") == "login":
            break
        page.keyboard.press("Tab")
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(e2e_world.password)
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    # then
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    assert_accessible(page)


def test_given_signed_in_user_when_signing_out_from_account_menu_then_sign_in_page(login):
    # given
    page = login("facility_staff")
    # when
    page.get_by_role("button", name="Account menu for Sam Staff").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("load")
    # then
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the WQIP Portal")
    assert_accessible(page)
