"""The 503 page a browser sees while the database is unreachable: accessible, no stack trace,
and the next page after the database is back is the usual one (issue 22 item 5)."""

from __future__ import annotations

import socket

import pytest
from django.db import connection

from tests.e2e.helpers import visit

pytestmark = pytest.mark.e2e


def test_given_signed_in_user_when_database_goes_away_then_friendly_page_and_back(
    login, live_server, tmp_path
):
    # given
    page = login("facility_staff")
    home = live_server.url + "/"
    # when: the live server's database sessions end and new ones are refused
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        refusing = sock.getsockname()[1]
    saved = dict(connection.settings_dict)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(refusing))
    try:
        response = page.goto(home)
        # then: the friendly page, checked with axe-core
        assert response is not None
        assert response.status == 503
        assert response.headers["retry-after"] == "30"
        visit(page, home)
        assert page.get_by_role("heading", level=1).inner_text() == "Back in a moment"
        assert "Traceback" not in page.content()
        page.screenshot(path=str(tmp_path / "database-outage.png"), full_page=True)
    finally:
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        connection.close()
    # when the database is back, the same server serves the page again
    response = page.goto(home)
    assert response is not None
    assert response.status == 200
    visit(page, home)
