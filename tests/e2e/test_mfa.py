"""Journey: a facility user turns on two-factor authentication from the Security page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, totp_code


def test_given_facility_user_when_activating_authenticator_then_mfa_active(login, e2e_world):
    # given
    page = login("facility_admin")
    page.get_by_role("button", name="Account menu for Ada Admin").click()
    page.get_by_role("link", name="Security (two-factor)").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    # when: activate, confirm the password (allauth re-authentication), scan and enter a code
    page.get_by_role("link", name="Activate").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    page.get_by_label("Password").fill(e2e_world.password)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    # then
    from allauth.mfa.models import Authenticator

    assert Authenticator.objects.filter(
        user=e2e_world.users["facility_admin"], type=Authenticator.Type.TOTP
    ).exists()
    expect(page.locator("main")).to_be_visible()
