"""The web process serves pages while passwords are hashed (issue 20, point 6).

gunicorn runs with the project's config (``portal/gunicorn_conf.py``) and one worker process;
six sign-ins with the real PBKDF2 hash (1M iterations) are sent at once, then a plain page. With
threaded workers the page is answered while the hashes are computed; with a synchronous worker
it would wait behind every sign-in. The check is on order, not on seconds."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from portal import gunicorn_conf
from tests.factories import TEST_PASSWORD, FacilityFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SIGN_INS = 6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def browser() -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())


def status_of(opener: urllib.request.OpenerDirector, request: urllib.request.Request) -> int:
    try:
        with opener.open(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:  # 302 (no redirect followed), 4xx
        return error.code


@pytest.fixture
def gunicorn_server():  # type: ignore[no-untyped-def]
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DEBUG": "true",  # static files from the source folders, no collectstatic needed
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:portal.gunicorn_conf", "portal.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        raise AssertionError("gunicorn did not answer /healthz")
    yield base
    process.terminate()
    process.wait(timeout=30)
    # the workers' database sessions (one per thread, CONN_MAX_AGE) end with the process;
    # wait until PostgreSQL has noticed, so the test database can be dropped at the end
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                break
        time.sleep(0.2)


def test_given_config_when_read_then_threaded_workers():
    assert gunicorn_conf.worker_class == "gthread"
    assert gunicorn_conf.threads >= 4


def test_given_sign_in_storm_when_plain_page_requested_then_answered_before_the_hashes_end(
    gunicorn_server,
):
    # given: accounts whose passwords carry the production hash
    facility = FacilityFactory.create()
    hashed = PBKDF2PasswordHasher().encode(TEST_PASSWORD, "storm-salt-123")
    users = [
        UserFactory.create(email=f"storm{n}@a.example.test", facilities=[facility])
        for n in range(6)
    ]
    for user in users:
        type(user).objects.filter(pk=user.pk).update(password=hashed)
    login_url = f"{gunicorn_server}/accounts/login/"
    posts = []
    for user in users:
        opener = browser()
        with opener.open(login_url, timeout=30) as page:
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.read())
        assert token is not None
        body = urllib.parse.urlencode(
            {"login": user.email, "password": TEST_PASSWORD, "csrfmiddlewaretoken": token.group(1)}
        ).encode()
        posts.append(
            (opener, urllib.request.Request(login_url, data=body, headers={"Referer": login_url}))
        )
    finished: list[tuple[str, float, int]] = []

    def sign_in(opener, request):  # type: ignore[no-untyped-def]
        status = status_of(opener, request)
        finished.append(("sign-in", time.monotonic(), status))

    threads = [threading.Thread(target=sign_in, args=post) for post in posts]
    # when
    for thread in threads:
        thread.start()
    time.sleep(0.1)  # the sign-ins are in the server now
    page_status = status_of(browser(), urllib.request.Request(f"{gunicorn_server}/healthz"))
    finished.append(("page", time.monotonic(), page_status))
    for thread in threads:
        thread.join(timeout=120)
    # then
    order = [kind for kind, _, _ in sorted(finished, key=lambda item: item[1])]
    assert [status for kind, _, status in finished if kind == "sign-in"] == [302] * SIGN_INS
    assert page_status == 200
    assert order.index("page") < SIGN_INS // 2, order
