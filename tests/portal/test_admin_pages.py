"""Django admin pages, without a browser: each one answers and its markup keeps to the CSP
(no inline script, style element, style attribute or event-handler attribute). The browser
test tests/e2e/test_admin_csp.py opens the same pages under the CSP and also catches what
scripts insert at run time; this one runs with ``make test-fast``."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from disputes.models import DisputeAttachment
from portal.admin_base import private_file_fields, readonly_model_fields
from tests.admin_rows import admin_urls, build_admin_rows

JSON_TYPES = {"application/json", "application/ld+json"}


class InlineCode(HTMLParser):
    """Collects what a strict CSP (script-src/style-src 'self', no nonce) would block."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") not in JSON_TYPES:
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> at line {self.getpos()[0]}")
        self.found += [
            f"{name}= on <{tag}> at line {self.getpos()[0]}"
            for name in names
            if name == "style" or name.startswith("on")
        ]


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


@pytest.mark.django_db
def test_given_a_row_of_each_model_when_program_admin_gets_every_admin_page_then_ok_and_no_inline_code(  # noqa: E501
    world, client_as
):
    # given
    build_admin_rows(world)
    client = client_as("program_admin")
    client.raise_request_exception = False  # a failing page is listed with the others
    # when
    responses = {url: client.get(url) for url in admin_urls(world.users["program_admin"])}
    # then
    problems = {
        url: [f"status {response.status_code}"]
        if response.status_code != 200
        else inline_code(response.content.decode())
        for url, response in responses.items()
    }
    assert not {url: found for url, found in problems.items() if found}


def test_given_model_with_private_file_when_admin_fields_listed_then_file_excluded_not_readonly():
    # given
    model = DisputeAttachment
    # when
    readonly = readonly_model_fields(model)
    excluded = private_file_fields(model)
    # then
    assert excluded == ["file"]
    assert "file" not in readonly
    assert "original_name" in readonly


@pytest.mark.django_db
def test_given_admin_page_when_served_then_same_strict_csp_as_portal_pages(client_as):
    # given
    client = client_as("program_admin")
    # when
    admin_csp = client.get(reverse("admin:index"))["Content-Security-Policy"]
    portal_csp = client.get(reverse("portal:home"))["Content-Security-Policy"]
    # then
    assert admin_csp == portal_csp
    assert "unsafe-inline" not in admin_csp
