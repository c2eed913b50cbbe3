"""Journey: the idle-timeout warning appears before the session ends; staying signed in
pings the keep-alive URL and closes the dialog."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible


def test_given_idle_user_when_warning_shown_then_stay_signed_in_keeps_session(login, settings):
    # given: the warning comes 2 minutes before a 2 minutes 4 seconds timeout
    settings.SESSION_COOKIE_AGE = 124
    page = login("facility_staff")
    dialog = page.get_by_role("dialog", name="Are you still there?")
    # when
    expect(dialog).to_be_visible(timeout=10_000)
    assert_accessible(page)
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    with page.expect_response(lambda r: "/session/keepalive/" in r.url) as ping:
        page.get_by_role("button", name="Stay signed in").click()
    # then
    assert ping.value.status == 200
    expect(dialog).to_be_hidden()
