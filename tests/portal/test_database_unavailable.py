"""While the database cannot be reached, pages answer a friendly 503 with Retry-After (no stack
trace), and the same process serves normally once it is back (issue 22 item 5)."""

from __future__ import annotations

import socket

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.factories import FacilityFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def refusing_port() -> int:
    """A local port nobody listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("debug", [False, True], ids=["production", "make-run"])
def test_given_database_unreachable_when_pages_requested_then_503_and_then_recovered(
    settings, debug
):
    # given: a signed-in user and an anonymous visitor
    settings.DEBUG = debug
    user = UserFactory.create(facilities=[FacilityFactory.create()])
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(user)
    anonymous = Client(raise_request_exception=False)
    home, login = reverse("portal:home"), reverse("account_login")
    assert signed_in.get(home).status_code == 200
    # when: the database stops answering
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(refusing_port()))
    try:
        answers = [
            signed_in.get(home),
            anonymous.post(login, {"login": user.email, "password": "whatever-it-is"}),
        ]
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    # then: the friendly page, no trace of the error
    for response in answers:
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        body = response.content.decode()
        assert "Back in a moment" in body
        assert "Traceback" not in body
        assert "OperationalError" not in body
        assert "127.0.0.1" not in body
    # ... and when it is back, the same process serves again
    assert signed_in.get(home).status_code == 200
    assert anonymous.get(login).status_code == 200


def test_given_other_error_when_page_fails_then_not_a_503(settings, monkeypatch):
    # given: a view failing for another reason than the database
    def broken(request):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug")

    monkeypatch.setattr("portal.views.home_panels_for", lambda user: broken(None))
    user = UserFactory.create(facilities=[FacilityFactory.create()])
    client = Client(raise_request_exception=False)
    client.force_login(user)
    # when
    response = client.get(reverse("portal:home"))
    # then
    assert response.status_code == 500
    assert not response.has_header("Retry-After")
