"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

* Every test here is marked ``e2e``; ``make test`` runs them (``make test-fast`` skips them).
* Playwright never downloads a browser: ``/usr/bin/chromium`` is set below.
* The page's context bypasses the CSP only so axe-core can be injected; the portal's own
  pages never need that (no inline scripts).
* ``--screenshots`` collects ``test_screenshots.py`` (``make screenshots``); without the
  option those tests are deselected, not skipped.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.e2e.helpers import LoginUser, assert_every_visited_page_checked, login_as

# Playwright's sync API runs an event loop in this thread; the test body still uses the ORM
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

E2E_DIR = Path(__file__).parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots",
        action="store_true",
        default=False,
        help="save PNGs of the main pages per role to docs/screenshots/",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    screenshots = config.getoption("--screenshots", default=False)
    keep, deselected = [], []
    for item in items:
        path = Path(str(item.path))
        if E2E_DIR not in path.parents:
            keep.append(item)
            continue
        item.add_marker(pytest.mark.e2e)
        if path.name == "test_screenshots.py" and not screenshots:
            deselected.append(item)
        else:
            keep.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = keep


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:  # type: ignore[type-arg]
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:  # type: ignore[type-arg]
    return {
        **browser_context_args,
        "bypass_csp": True,  # lets axe-core be injected; see module docstring
        "viewport": {"width": 1280, "height": 900},
        "locale": "en-US",
        "timezone_id": "America/Los_Angeles",
    }


@pytest.fixture
def page(page: Page) -> Iterator[Page]:
    """Playwright's page; at the end, every page it visited must have passed axe-core."""
    page.set_default_timeout(15_000)
    yield page
    assert_every_visited_page_checked(page)


@pytest.fixture
def e2e_world(transactional_db, live_server):  # type: ignore[no-untyped-def]
    """tests.roles.build_world in the live server's database (flushed after each test; the
    seeded program years and holidays are put back by tests/conftest.py)."""
    from tests.roles import build_world

    return build_world()


@pytest.fixture
def login(page: Page, live_server, e2e_world) -> Callable[[str], Page]:  # type: ignore[no-untyped-def]
    """``login(role)`` signs the world's user of the role in (TOTP for plan staff) and
    returns the page, on the dashboard."""

    def sign_in(role: str) -> Page:
        user = e2e_world.users[role]
        login_as(
            page,
            LoginUser(
                email=user.email,
                password=e2e_world.password,
                totp_secret=e2e_world.totp_secrets.get(role, ""),
            ),
            base_url=live_server.url,
        )
        return page

    return sign_in
