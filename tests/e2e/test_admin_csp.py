"""Django admin under the portal's Content-Security-Policy.

The program administrator (a superuser) opens the admin index, every app index, every
registered model's changelist, the change form of one row of each model and the add form where
adding is allowed, in a browser context that enforces the CSP (the other browser tests bypass
it to inject axe-core). The models come from ``admin.site._registry``, so a newly registered
model is opened too; ``tests/admin_rows.py`` gives each one a row.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from playwright.sync_api import Browser, Page, expect

from tests.admin_rows import admin_urls, build_admin_rows, models_without_rows

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(
        `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
        + ` (${event.sourceFile || "page"}:${event.lineNumber}) ${event.sample || ""}`.trim()
    );
});
"""
READ_VIOLATIONS = """async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));  // events are queued as tasks
    return window.__cspViolations;
}"""


def open_and_collect(page: Page, url: str) -> list[str]:
    """Open the page; its CSP violations, console CSP messages, script errors, bad status."""
    problems: list[str] = []

    def on_console(message) -> None:  # type: ignore[no-untyped-def]
        if "Content Security Policy" in message.text:
            problems.append(f"console: {message.text}")

    def on_page_error(error) -> None:  # type: ignore[no-untyped-def]
        problems.append(f"script error: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    try:
        response = page.goto(url)
        page.wait_for_load_state("load")
        if response is None or response.status != 200:
            problems.append(f"status {response.status if response else 'none'}")
        problems += [f"violation: {v}" for v in page.evaluate(READ_VIOLATIONS)]
    finally:
        page.remove_listener("console", on_console)
        page.remove_listener("pageerror", on_page_error)
    return problems


@pytest.fixture
def admin_tab(login, browser: Browser) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    """The program administrator's tab in a context that enforces the CSP (the ``page``
    fixture's context bypasses it), recording CSP violations; signed in through ``page``."""
    signed_in = login("program_admin")
    context = browser.new_context(
        storage_state=signed_in.context.storage_state(),
        viewport={"width": 1280, "height": 900},
        locale="en-US",
        timezone_id="America/Los_Angeles",
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.add_init_script(RECORD_VIOLATIONS)
    yield tab
    context.close()


def test_given_a_row_of_each_model_when_program_admin_opens_every_admin_page_then_no_csp_violation(
    admin_tab, live_server, e2e_world
):
    # given
    build_admin_rows(e2e_world)
    urls = admin_urls(e2e_world.users["program_admin"])
    # when
    problems = {url: open_and_collect(admin_tab, live_server.url + url) for url in urls}
    # then
    assert not models_without_rows()
    failing = {url: found for url, found in problems.items() if found}
    assert not failing, f"{len(failing)} of {len(urls)} admin pages break the CSP:\n" + "\n".join(
        f"{url}\n    " + "\n    ".join(found) for url, found in failing.items()
    )


def test_given_crontab_task_when_admin_picks_another_crontab_then_it_shows_in_words_under_field(
    admin_tab, live_server
):
    # given
    morning = CrontabSchedule.objects.create(minute="15", hour="6")
    evening = CrontabSchedule.objects.create(minute="30", hour="18")
    task = PeriodicTask.objects.create(name="reminders", task="portal.sweep", crontab=morning)
    url = reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])
    problems = open_and_collect(admin_tab, live_server.url + url)
    # when
    admin_tab.locator("#id_crontab").select_option(str(evening.pk))
    # then
    expect(admin_tab.locator("#id_crontab_helptext")).to_contain_text(
        f"Translation: {evening.human_readable}"
    )
    assert not problems
