"""The idle timeout without a session write on every page, and database connections reused
across requests (issue 20, point 8)."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as CACHE_KEY_PREFIX
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts.middleware import SESSION_TOUCHED_KEY
from tests.factories import FacilityFactory, UserFactory


def session_writes(queries: CaptureQueriesContext) -> int:
    return sum(
        1
        for q in queries.captured_queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


@pytest.fixture
def signed_in_client(client, db):  # type: ignore[no-untyped-def]
    user = UserFactory.create(email="pat@a.example.test", facilities=[FacilityFactory.create()])
    client.force_login(user)
    client.get(reverse("portal:home"))  # the first page renews the new session once
    return client


def test_given_signed_in_user_when_five_pages_within_a_minute_then_session_not_written(
    signed_in_client,
):
    # when
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            assert signed_in_client.get(reverse("portal:home")).status_code == 200
    # then
    assert session_writes(queries) == 0


def test_given_session_renewed_a_minute_ago_when_page_then_session_written_once_with_new_expiry(
    signed_in_client,
):
    # given
    session = signed_in_client.session
    session[SESSION_TOUCHED_KEY] = int(time.time()) - 61
    session.save()
    before = Session.objects.get(session_key=session.session_key).expire_date
    # when
    with CaptureQueriesContext(connection) as queries:
        signed_in_client.get(reverse("portal:home"))
        signed_in_client.get(reverse("portal:home"))
    # then
    assert session_writes(queries) == 1
    assert Session.objects.get(session_key=session.session_key).expire_date > before


def test_given_session_renewed_ten_minutes_ago_when_page_then_idle_dialog_told_five_minutes(
    signed_in_client, settings
):
    # given: renewals happen at most once a minute; a page tells the dialog the real time left
    settings.WQIP_SESSION_RENEW_SECONDS = 15 * 60
    session = signed_in_client.session
    session[SESSION_TOUCHED_KEY] = int(time.time()) - 600
    session.save()
    # when
    body = signed_in_client.get(reverse("portal:home")).content.decode()
    # then
    assert any(f'data-session-timeout="{s}"' in body for s in (298, 299, 300))


def test_given_idle_past_timeout_when_page_then_signed_out(signed_in_client):
    # given: the stored expiry passed (15 minutes without a renewal): the row's expiry, and
    # the cached copy (cached_db sessions), whose cache timeout is the same expiry, is gone
    key = signed_in_client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date="2000-01-01T00:00:00Z")
    cache.delete(CACHE_KEY_PREFIX + key)
    # when
    response = signed_in_client.get(reverse("portal:home"))
    # then
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_given_keepalive_when_called_then_session_renewed_even_within_the_minute(
    signed_in_client,
):
    # when
    with CaptureQueriesContext(connection) as queries:
        response = signed_in_client.get(reverse("portal:keepalive"))
    # then
    assert response.json()["expires_in"] == 15 * 60
    assert session_writes(queries) == 1


def test_given_signed_in_user_when_pages_then_session_read_from_the_cache(signed_in_client):
    # when
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert signed_in_client.get(reverse("portal:home")).status_code == 200
    # then: the session comes from the shared cache; the row stays the durable copy
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
    key = signed_in_client.session.session_key
    assert Session.objects.filter(session_key=key).exists()


def test_given_cache_lost_the_session_when_page_then_read_from_the_database(signed_in_client):
    # given: the cache was flushed or restarted
    cache.delete(CACHE_KEY_PREFIX + signed_in_client.session.session_key)
    # when
    response = signed_in_client.get(reverse("portal:home"))
    # then: still signed in
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_given_finished_request_when_connections_tidied_then_connection_kept_for_next_one():
    # given: what request_finished does at the end of every request
    connection.ensure_connection()
    first = connection.connection
    # when
    close_old_connections()
    connection.ensure_connection()
    # then
    assert connection.settings_dict["CONN_MAX_AGE"] >= 60
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert connection.connection is first
