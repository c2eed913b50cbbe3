"""The web process rides out a database restart (issue 22 item 5): gunicorn (the production
web server, one worker) reaches PostgreSQL through a TCP relay in this test; the relay is
stopped (every session cut, new ones refused, as while PostgreSQL restarts) and started
again. Meanwhile pages answer the 503 page with Retry-After; afterwards the same gunicorn
process serves them again."""

from __future__ import annotations

import contextlib
import os
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
from django.db import connection
from django.test import Client

from tests.factories import FacilityFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Relay:
    """A TCP relay from 127.0.0.1:port to the test database, that can be stopped and started."""

    def __init__(self, port: int) -> None:
        self.port = port
        db = connection.settings_dict
        host = db["HOST"] or "127.0.0.1"
        if host.startswith("/"):  # the embedded PostgreSQL listens on a Unix socket
            self.target: tuple[int, object] = (
                socket.AF_UNIX,
                os.path.join(host, f".s.PGSQL.{db['PORT'] or 5432}"),
            )
        else:
            self.target = (socket.AF_INET, (host, int(db["PORT"] or 5432)))
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None
        self.lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(32)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        with self.lock:
            if self.listener is not None:
                # shutdown wakes the thread blocked in accept() (close alone would not)
                with contextlib.suppress(OSError):
                    self.listener.shutdown(socket.SHUT_RDWR)
                self.listener.close()
                self.listener = None
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            family, address = self.target
            upstream = socket.socket(family, socket.SOCK_STREAM)  # type: ignore[arg-type]
            upstream.connect(address)  # type: ignore[arg-type]
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                target.shutdown(socket.SHUT_WR)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def fetch(opener: urllib.request.OpenerDirector, url: str, data: dict | None = None):  # type: ignore[no-untyped-def, type-arg]
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture
def relay():  # type: ignore[no-untyped-def]
    relay = Relay(free_port())
    relay.start()
    yield relay
    relay.stop()


@pytest.fixture
def gunicorn(relay):  # type: ignore[no-untyped-def]
    port = free_port()
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": f"postgres://{db['USER']}{password}@127.0.0.1:{relay.port}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DEBUG": "true",  # static files from the source folders; make run's setting
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "WEB_THREADS": "2",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:portal.gunicorn_conf", "portal.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        with contextlib.suppress(OSError):
            if fetch(urllib.request.build_opener(), f"{base}/healthz")[0] == 200:
                break
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise AssertionError("gunicorn did not start")
        time.sleep(0.3)
    yield base, process
    process.terminate()
    process.wait(timeout=30)


def test_given_gunicorn_when_database_restarts_then_503_meanwhile_and_same_process_recovers(
    relay, gunicorn
):
    # given: a signed-in user (a session in the database) visiting through gunicorn
    base, process = gunicorn
    user = UserFactory.create(email="pat@a.example.test", facilities=[FacilityFactory.create()])
    client = Client()
    client.force_login(user)
    opener = urllib.request.build_opener(NoRedirect())
    opener.addheaders = [("Cookie", f"sessionid={client.cookies['sessionid'].value}")]
    assert fetch(opener, f"{base}/")[0] == 200
    # when: the database goes away (sessions cut, connections refused)
    relay.stop()
    during = [fetch(opener, f"{base}/") for _ in range(3)]
    # then
    for status, headers, body in during:
        assert status == 503
        assert headers["Retry-After"] == "30"
        assert "Back in a moment" in body
        assert "Traceback" not in body
    # when: it is back
    relay.start()
    # then: the same process serves the page again, the user still signed in
    assert fetch(opener, f"{base}/")[0] == 200
    assert process.poll() is None
