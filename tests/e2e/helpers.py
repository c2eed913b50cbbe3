"""Helpers every browser test uses: sign in as a user, check a page with axe-core.

    from tests.e2e.helpers import LoginUser, assert_accessible, login_as, visit

    login_as(page, LoginUser(email, password, totp_secret), base_url=live_server.url)
    visit(page, live_server.url + "/facilities/")      # goto + axe-core check
    assert_accessible(page)                           # after a page changed in place
    follow_nav_link(page, "Payments", "Ledger")       # a link inside a top-bar menu

``assert_accessible`` injects the vendored axe-core (tests/e2e/vendor/axe.min.js) and fails
on any WCAG 2.1 A/AA violation. The ``page`` fixture (tests/e2e/conftest.py) fails a test
that visited a page without checking it.
"""

from __future__ import annotations

import json
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, expect

AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_visited: weakref.WeakKeyDictionary[Page, list[str]] = weakref.WeakKeyDictionary()
_checked: weakref.WeakKeyDictionary[Page, set[str]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class LoginUser:
    email: str
    password: str
    totp_secret: str = ""  # plan staff: the TOTP secret of their authenticator


def totp_code(secret: str, *, offset: int = 0) -> str:
    """The code an authenticator app shows now (offset in 30-second steps)."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // app_settings.TOTP_PERIOD + offset
    return format_hotp_value(hotp_value(secret, counter))


def track(page: Page) -> None:
    """Start recording the pages the tab shows (done once per page)."""
    if page in _visited:
        return
    _visited[page] = []
    _checked[page] = set()

    def on_navigated(frame) -> None:  # type: ignore[no-untyped-def]
        if frame == page.main_frame and frame.url.startswith("http"):
            _visited[page].append(frame.url)

    page.on("framenavigated", on_navigated)


def assert_accessible(page: Page) -> None:
    """Run axe-core on the current page; fail on WCAG 2.1 A/AA violations."""
    track(page)
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
            }));
        }""",
        WCAG_TAGS,
    )
    _checked[page].add(page.url)
    assert not result, f"axe-core WCAG 2.1 AA violations on {page.url}:\n" + json.dumps(
        result, indent=2
    )


def visit(page: Page, url: str) -> None:
    """Go to the URL and check the page with axe-core."""
    track(page)
    page.goto(url)
    assert_accessible(page)


def assert_every_visited_page_checked(page: Page) -> None:
    unchecked = [url for url in _visited.get(page, []) if url not in _checked.get(page, set())]
    assert not unchecked, f"pages visited without an axe-core check: {unchecked}"


def login_as(page: Page, user: LoginUser, *, base_url: str) -> None:
    """Sign in through the real forms (TOTP step for plan staff); ends on the dashboard.
    Every page on the way is checked with axe-core."""
    track(page)
    visit(page, base_url.rstrip("/") + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(user.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    if user.totp_secret:
        expect(page.get_by_role("heading", level=1)).to_contain_text("Two-Factor")
        assert_accessible(page)
        page.get_by_label("Code").fill(totp_code(user.totp_secret))
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    assert_accessible(page)


def follow_nav_link(page: Page, menu: str, link: str) -> None:
    """Open the top bar's menu (its button) and follow one of its links; a one-item menu is a
    plain link (``menu`` is then ignored)."""
    nav = page.get_by_role("navigation", name="Main")
    button = nav.get_by_role("button", name=menu, exact=True)
    if button.count():
        button.click()
    nav.get_by_role("link", name=link, exact=True).click()
    page.wait_for_load_state("load")


def new_checked_page(browser) -> Page:  # type: ignore[no-untyped-def]
    """A page in its own browser context (its own sign-in) whose visits are recorded, for
    journeys with several users; finish with ``recheck_visited_pages``."""
    page = browser.new_context(bypass_csp=True).new_page()
    track(page)
    return page


def recheck_visited_pages(page: Page) -> None:
    """Open every page the tab showed again and check it with axe-core (pages reached by a
    POST are opened with GET; sign-in steps are skipped, the account may be signed in)."""
    seen: set[str] = set()
    for url in list(_visited.get(page, [])):
        if url in seen or "/accounts/" in url or url in _checked.get(page, set()):
            continue
        seen.add(url)
        visit(page, url)
